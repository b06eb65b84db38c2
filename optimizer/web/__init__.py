"""The planner's workbench web server (issue 19): FastAPI app, storage, jobs."""
