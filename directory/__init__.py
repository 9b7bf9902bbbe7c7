"""The peer recovery support directory: taxonomy, schema, store, geocoding, search and the CLI.

Nothing here imports Streamlit except `directory.ui`, the pages' helper module.
"""

from directory.memory import limit_malloc_arenas, use_system_allocator_for_arrow

# Before any table is made or any session's thread allocates, whoever imports the package first (the server,
# the CLI, a test).
use_system_allocator_for_arrow()
limit_malloc_arenas()
