"""The caseload importer's limits, in one place. The other parts read them as `limits.NAME` when they run,
so a deployment (or a test) can change one without reloading the parts that use it."""

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200  # a zip bomb is thousands to one; a real worksheet is about ten to one
MAX_ROWS = 200_000
MAX_COLUMNS = 60
MAX_CELL_CHARACTERS = 500
MAX_ERRORS_KEPT = 500  # reported in full
MAX_ERRORS_COUNTED = 5_000  # after this, stop reading: the file needs fixing first
BATCH_SIZE = 1_000
CASE_CACHE_SIZE = 4_096
