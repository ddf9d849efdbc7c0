"""`manage.py db_worker` with each portfolio taking a second to pack, so that a test can kill the worker
in the middle of a pack. Run as `python -m tests.accreditation.slow_pack_worker [db_worker options]`."""

import sys
import time

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from accreditation.portfolio import packs  # noqa: E402

_read = packs._read_snapshot_pdf


def _slowly(link):
    time.sleep(1)
    return _read(link)


packs._read_snapshot_pdf = _slowly
call_command("db_worker", *sys.argv[1:])
