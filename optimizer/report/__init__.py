"""Planner deliverables of a plan (issue 4): plan.xlsx, maps, report.html, plan.gpkg,
and the notebook helpers ``plan_to_geodataframe`` and ``plot_plan``."""

from optimizer.report.geo import plan_to_geodataframe, write_gpkg
from optimizer.report.maps import plot_plan, write_maps
from optimizer.report.tables import official_tables
from optimizer.report.write import write_reports

__all__ = ["official_tables", "plan_to_geodataframe", "plot_plan", "write_gpkg", "write_maps",
           "write_reports"]
