"""The county's filing package (issue 17, PLAN-2013-03): the community layout plan and
the special plan for community management and service rooms, as Word documents and
PDFs with the Chinese fonts embedded, an xlsx annex of their tables, and the maps."""

from optimizer.report.filing.write import CountyFiling, write_filing

__all__ = ["CountyFiling", "write_filing"]
