"""The papermill engine of the report runner: the output notebook is written once, at the end.

papermill's default engine (nbclient) writes the whole output notebook, figures and all, as
each cell starts and again as it completes: for the report template that is some forty
serialisations (each validated against the notebook schema) of a growing notebook, while the
kernel waits. Nothing reads the partial file during a run (render.py renames the finished one
into place), so this engine keeps papermill's bookkeeping (cell metadata, timings, the same
nbclient execution with every option) but writes only:

- on success: once, by papermill's execute_notebook after the engine returns;
- on an error in a cell: once, with papermill's error cell, by papermill (as before);
- on anything that stops the run itself (a timeout, a dead kernel, an interrupt): once, here,
  with the cells that ran, so that the failed notebook is still kept for debugging.
"""

from __future__ import annotations

import contextlib

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.iorw import write_ipynb

ENGINE_NAME = "finsam"


class WriteOnceEngine(NBClientEngine):
    """NBClientEngine without the per-cell saves (see the module docstring)."""

    @classmethod
    def execute_notebook(
        cls,
        nb,
        kernel_name,
        output_path=None,
        progress_bar=True,
        log_output=False,
        autosave_cell_every=30,
        **kwargs,
    ):
        nb_man = NotebookExecutionManager(
            nb,
            output_path=None,  # no save per cell
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=0,
        )
        nb_man.notebook_start()
        stopped = True
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            stopped = False
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
            if stopped and output_path:
                # the error that stopped the run is what the caller reports, not a failed write
                with contextlib.suppress(Exception):
                    write_ipynb(nb_man.nb, output_path)
        return nb_man.nb


def register() -> str:
    """Make the engine known to papermill (idempotent); its name for execute_notebook."""
    papermill_engines.register(ENGINE_NAME, WriteOnceEngine)
    return ENGINE_NAME
