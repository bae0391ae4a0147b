"""Publishing: what the parent process runs (papermill runner, HTML render, build record, index)."""
