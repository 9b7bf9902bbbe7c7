"""The peer recovery support directory: taxonomy, schema, store, geocoding, search and the CLI.

Nothing here imports Streamlit except `directory.ui`, the pages' helper module.
"""

from directory.memory import use_system_allocator_for_arrow

# Before any table is made, whoever imports the package first (the server, the CLI, a test).
use_system_allocator_for_arrow()
