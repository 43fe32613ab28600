"""dask_common.py — what the Dask driver's tests share: the binary and the driver from the
environment ctest sets, an exit with 77 (skipped) when Debian's python3-dask or
python3-distributed is missing, and the bundled corpora's sentences (no ../shared needed)."""
import os
import sys

jisr = os.environ['JISR_BINARY']
src = os.environ['JISR_SOURCE_DIR']
try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
except ImportError:
    print('python3-dask / python3-distributed not installed: skipped')
    sys.exit(77)

driver = os.path.join(src, 'contrib', 'dask', 'jisr_dask.py')
corpora = os.path.join(src, 'corpora')


def sentences(name):
    """The Arabic and English sentences of corpora/NAME.{ar,en}.sent, one list each."""
    return tuple(open(os.path.join(corpora, '%s.%s.sent' % (name, lang)),
                      encoding='utf-8').read().splitlines() for lang in ('ar', 'en'))
