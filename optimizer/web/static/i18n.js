// Words of the workbench in Chinese (default) and English.
const WORDS = {
  title: ["社区规划工作台", "Planner's workbench"],
  scenarios: ["情景", "Scenarios"],
  workspaces: ["工作区", "Workspaces"],
  open_today: ["打开(现有社区)", "Open (today's communities)"],
  open_empty: ["打开(空白,待求解)", "Open (empty, to solve)"],
  upload_scenario: ["上传情景(zip 或 GeoPackage)", "Upload a scenario (zip or GeoPackage)"],
  upload: ["上传", "Upload"],
  back: ["返回列表", "Back to the list"],
  undo: ["撤销", "Undo"], redo: ["重做", "Redo"],
  solve: ["求解", "Solve"], optimize: ["优化其余", "Optimize the rest"],
  seconds: ["秒", "s"], cancel: ["取消", "Cancel"],
  save_version: ["保存版本", "Save version"], versions: ["版本", "Versions"],
  compare: ["比较", "Compare"], export: ["导出", "Export"], import: ["导入", "Import"],
  export_reports: ["报告", "Reports"], export_plan: ["规划文件夹", "Plan folder"],
  export_filing: ["县级报备材料", "County filing"],
  filing_wait: ["正在生成报备材料(Word、PDF、附表、图),约需半分钟……",
    "Preparing the county filing (Word, PDF, annex, maps): about half a minute…"],
  working: ["当前方案", "Working plan"], today: ["现有社区", "Today's communities"],
  open: ["打开", "Open"],
  tool_click: ["点选", "Click"], tool_box: ["框选", "Box"], tool_lasso: ["套索", "Lasso"],
  totals: ["方案合计", "Plan totals"], communities: ["社区数", "Communities"],
  households: ["户数", "Households"], capex: ["建设投资", "Capital"],
  annual: ["年度费用", "Annual cost"], objective: ["目标值", "Objective"],
  bound: ["下界", "Bound"], gap: ["差距", "Gap"], elapsed: ["用时", "Elapsed"],
  compliance: ["合规", "Compliance"], pass: ["通过", "pass"], fail: ["未通过", "fail"],
  exempt: ["豁免", "exempt"], compliant: ["方案合规", "Plan compliant"],
  not_compliant: ["方案不合规", "Plan not compliant"],
  selected: ["已选单元", "Selected units"], none_selected: ["未选择", "nothing selected"],
  community: ["社区", "Community"], bounds: ["标准", "bounds"],
  rooms: ["用房(㎡)", "Rooms (m²)"], rooms_today: ["现有", "today"],
  rooms_required: ["标准", "required"], rooms_after: ["规划", "after"],
  remedy: ["解决方式", "Remedy"], site: ["用房", "Site"], center: ["服务中心", "Center"],
  staff: ["专职工作者", "Full-time staff"], coordinators: ["网格协理员", "Coordinators"],
  grids: ["网格", "Grids"], parts: ["连通块", "Parts"],
  move_to: ["移入社区", "Move to community"], new_community: ["新建社区", "New community"],
  merge_with: ["与之合并", "Merge with"], split: ["拆分", "Split"],
  center_here: ["服务中心移到所选单元", "Move center to the selected unit"],
  lock: ["锁定社区", "Lock community"], unlock: ["解锁社区", "Unlock community"],
  lock_units: ["锁定所选单元", "Lock selected units"],
  pin_center: ["固定服务中心", "Pin center"], unpin_center: ["解除固定", "Unpin center"],
  locked: ["已锁定", "locked"], rule: ["规则", "Rule"], status: ["结果", "Status"],
  value: ["数值", "Value"], limit: ["标准", "Limit"], reason: ["说明", "Reason"],
  options: ["服务中心方案", "Center options"],
  no_plan: ["还没有方案:请求解或导入", "No plan yet: solve or import one"],
  moved: ["调整单元", "Units moved"], reassigned: ["调整户数", "Households reassigned"],
  change: ["调整", "Change"], added: ["新增", "added"], removed: ["撤销", "removed"],
  changed: ["调整", "changed"], version: ["版本", "Version"], label: ["名称", "Label"],
  login: ["登录", "Sign in"], user: ["用户名", "User"], password: ["密码", "Password"],
  logout: ["退出", "Sign out"], name: ["名称", "Name"], units: ["单元", "units"],
  conflict: ["冲突", "Conflict"], reload: ["重新加载", "Reload"],
  job_done: ["求解完成", "Solve finished"], language: ["English", "中文"],
  plan_rows: ["全方案检查", "Plan-wide checks"], close: ["关闭", "Close"],
  diff_a: ["方案A", "Plan A"], diff_b: ["方案B", "Plan B"],
  import_plan: ["导入规划文件夹(zip)", "Import a plan folder (zip)"],
  import_csv: ["导入分配表(CSV)", "Import an assignment CSV"],
  yuan: ["元", "yuan"], per_year: ["元/年", "yuan/year"],
};

const RULES = {
  "SIZE-URBAN": ["城市社区规模", "Urban community size"],
  "SIZE-RURAL": ["农村社区规模", "Rural community size"],
  "CONTIGUITY": ["区域连片", "Contiguity"], "NESTING": ["不跨街道/镇", "Nesting"],
  "KIND": ["城乡类型一致", "Urban/rural kind"], "HOUSEHOLDS": ["户数核对", "Households"],
  "ONE-STATION": ["一个服务中心", "One service center"], "REMEDY": ["用房解决方式", "Remedy"],
  "AREA-PER-HH": ["每百户20㎡", "20 m² per 100 households"], "AREA-MIN": ["不少于400㎡", "At least 400 m²"],
  "NEWDEV-1500": ["新建小区配建", "New development rooms"], "COORD-300": ["网格与协理员", "Grids and coordinators"],
  "STAFF-3-5": ["专职工作者3-5名", "3-5 full-time staff"], "COST": ["费用核对", "Costs"],
  "ASSIGNMENT": ["单元分配", "Assignment"], "TOTALS": ["合计核对", "Totals"], "LOCK": ["锁定", "Locks"],
  "FACILITY-95": ["用房达标率", "Facility share"], "FIX-2013-03": ["用房整改", "Room fixes"],
  "PLAN-2013-03": ["布局规划", "Layout plan"], "VOLUNTEER-15-10": ["志愿者", "Volunteers"],
  "EXEMPTION": ["豁免", "Exemption"],
};

const REMEDIES = {
  keep: ["保留", "keep"], renovate: ["改建", "renovate"], extend: ["扩建", "extend"],
  swap: ["置换", "swap"], purchase: ["购买", "purchase"], build: ["自建", "build"],
  codevelop: ["开发配建", "co-develop"],
};

export let lang = localStorage.getItem("workbench.lang") || "zh";

export function setLang(value) {
  lang = value;
  localStorage.setItem("workbench.lang", value);
  document.documentElement.lang = value === "zh" ? "zh-CN" : "en";
}

const pick = (pair, key) => (pair ? pair[lang === "zh" ? 0 : 1] : key);
export const t = (key) => pick(WORDS[key], key);
export const ruleName = (id) => pick(RULES[id], id);
export const remedyName = (code) => pick(REMEDIES[code], code || "");

export function num(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  return Number(v).toLocaleString(lang === "zh" ? "zh-CN" : "en-US",
    { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function pct(v) {
  return v === null || v === undefined ? "–" : `${(100 * v).toFixed(2)}%`;
}

// A compliance line in the planner's words: the rule, then why it fails.
export function reason(row) {
  if (lang !== "zh" || row.status === "pass") return row.note || "";
  const v = row.value, l = row.limit;
  switch (row.rule) {
    case "SIZE-URBAN": case "SIZE-RURAL": {
      const [lo, hi] = String(l).split("..").map(Number);
      return v < lo ? `户数 ${num(v)},低于下限 ${num(lo)}(少 ${num(lo - v)} 户)`
        : `户数 ${num(v)},超过上限 ${num(hi)}(多 ${num(v - hi)} 户)`;
    }
    case "CONTIGUITY": return `社区被分成 ${v} 块,不连片`;
    case "AREA-MIN": return `用房 ${num(v)}㎡,不足 ${num(l)}㎡`;
    case "AREA-PER-HH": return `用房 ${num(v)}㎡,按每百户20㎡应有 ${num(l, 1)}㎡`;
    default: return row.note || "";
  }
}
