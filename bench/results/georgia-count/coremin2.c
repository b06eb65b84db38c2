// complete search over the m most constrained units: can they be covered by disjoint window sets
// with total deficit <= slack and every uncovered component's need within budget?
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#define MAXN 192
#define W 3
typedef struct { uint64_t b[W]; } bs;
static inline void set(bs*s,int i){s->b[i>>6]|=1ULL<<(i&63);}
static inline int has(const bs*s,int i){return (s->b[i>>6]>>(i&63))&1;}
static inline int disj(const bs*a,const bs*b){for(int j=0;j<W;j++) if(a->b[j]&b->b[j]) return 0; return 1;}
int n, lo, hi, h[MAXN], deg[MAXN], nb[MAXN][16], U, K, slack, L;
bs nbhd[MAXN];
typedef struct { bs S; int def; } cset;
cset *lst[MAXN]; long long nl[MAXN], capl[MAXN];
int root; int target; int core[MAXN], m;
void esu(bs S, bs N, int *ex, int nex, int sum){
  if(sum>=L && sum<=U){ for(int ci=0;ci<m;ci++){ int t=core[ci]; if(!has(&S,t)) continue;
    if(nl[t]==capl[t]){capl[t]=capl[t]*2+16; lst[t]=realloc(lst[t],sizeof(cset)*capl[t]);}
    lst[t][nl[t]].S=S; lst[t][nl[t]].def=U-sum; nl[t]++; }
  }
  int loc[MAXN]; memcpy(loc,ex,nex*sizeof(int)); int m=nex;
  while(m>0){
    int w=loc[--m];
    if(sum+h[w]>U) continue;
    int ne[MAXN]; int k=m; memcpy(ne,loc,m*sizeof(int));
    bs S2=S; set(&S2,w); bs N2=N; for(int j=0;j<W;j++) N2.b[j]|=nbhd[w].b[j];
    for(int q=0;q<deg[w];q++){int u=nb[w][q]; if(u>root && !has(&S,u)&&!has(&N,u)) ne[k++]=u;}
    esu(S2,N2,ne,k,sum+h[w]);
  }
}
int need(bs cov){
  int seen[MAXN]; memset(seen,0,sizeof seen); int tot=0, st[MAXN];
  for(int i=0;i<n;i++) if(!has(&cov,i) && !seen[i]){
    int sp=0; st[sp++]=i; seen[i]=1; int c=0;
    while(sp){int v=st[--sp]; c+=h[v]; for(int q=0;q<deg[v];q++){int u=nb[v][q]; if(!has(&cov,u)&&!seen[u]){seen[u]=1; st[sp++]=u;}}}
    int m=(c+U-1)/U; int d=m*U-c; if(c<L) d=1<<20; tot+=d;
  }
  return tot;
}
long long nodes=0, sols=0, maxsols; int bestdef=1<<30;
void dfs(bs cov, int budget){
  if(sols>=maxsols) return;
  nodes++;
  // MRV among uncovered core units
  int best=-1; long long bc=1LL<<60;
  for(int i=0;i<m;i++){ int u=core[i]; if(has(&cov,u)) continue;
    long long c=0; int md=1<<30; for(long long j=0;j<nl[u];j++){ if(lst[u][j].def<=budget && disj(&lst[u][j].S,&cov)) {c++; if(lst[u][j].def<md) md=lst[u][j].def;} }
    if(c<bc){bc=c;best=u;} if(c==0) return; if(slack-budget+md>=bestdef) return; }
  if(best<0){ sols++; if(slack-budget<bestdef){bestdef=slack-budget; fprintf(stderr,"min deficit so far %d\n",bestdef);} return; }
  int u=best;
  for(long long j=0;j<nl[u] && sols<maxsols;j++){
    cset*s=&lst[u][j]; if(s->def>budget || !disj(&s->S,&cov)) continue;
    bs c2=cov; for(int q=0;q<W;q++) c2.b[q]|=s->S.b[q];
    int b2=budget-s->def; if(slack-b2>=bestdef) continue; if(need(c2)>b2) continue;
    dfs(c2,b2);
  }
}
int main(int argc,char**argv){
  FILE*f=fopen(argv[1],"r"); K=atoi(argv[2]); m=atoi(argv[3]); maxsols=atoll(argv[4]);
  fscanf(f,"%d %d %d",&n,&lo,&hi);
  for(int i=0;i<n;i++) fscanf(f,"%d",&h[i]);
  for(int i=0;i<n;i++){fscanf(f,"%d",&deg[i]); for(int q=0;q<deg[i];q++) fscanf(f,"%d",&nb[i][q]);}
  for(int i=0;i<n;i++){memset(&nbhd[i],0,sizeof(bs)); set(&nbhd[i],i); for(int q=0;q<deg[i];q++) set(&nbhd[i],nb[i][q]);}
  int tot=0; for(int i=0;i<n;i++) tot+=h[i]; U=hi; slack=K*U-tot; L=U-slack; if(L<lo) L=lo;
  for(int i=0;i<m;i++) core[i]=atoi(argv[5+i]);
  // enumerate every window set containing each core unit (all roots, ESU with root = min index)
  int maxc=0; for(int i=0;i<m;i++) if(core[i]>maxc) maxc=core[i];
  for(root=0;root<=maxc;root++){ bs S; memset(&S,0,sizeof S); set(&S,root); bs N=nbhd[root];
      int ex[MAXN],k=0; for(int q=0;q<deg[root];q++) if(nb[root][q]>root) ex[k++]=nb[root][q];
      if(h[root]<=U) esu(S,N,ex,k,h[root]); }
  for(int i=0;i<m;i++) fprintf(stderr,"unit %d sets %lld\n",core[i],nl[core[i]]);
  bs cov; memset(&cov,0,sizeof cov);
  dfs(cov,slack);
  printf("mindef %d K %d core %d solutions %lld nodes %lld\n",bestdef,K,m,sols,nodes);
}
