"""rarecase over a whole literature on Dask (`rarecase batch`, extra ``rarecase[batch]``).

:func:`run_batch` plans units (one per PubMed file), runs them on a LocalCluster or a given
scheduler, and writes the ``documents``, ``mentions`` and ``cases`` Parquet tables with a
manifest; :func:`load_cases` adds the cases to a case store; :func:`write_medline` makes
synthetic baseline files to try it on. See docs/batch.md.
"""

from rarecase.batch.run import BatchSummary, load_cases, run_batch
from rarecase.batch.synthetic import write_medline
from rarecase.batch.tables import read_table

__all__ = ["BatchSummary", "load_cases", "read_table", "run_batch", "write_medline"]
