"""The refresh lock works across processes and dies with its holder."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from assets.publish.lock import RefreshLocked, is_locked, refresh_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from assets.publish.lock import refresh_lock
    with refresh_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(600)
    """
)


def test_a_second_process_is_refused_while_the_first_holds_the_lock_and_not_after_it_is_killed(tmp_path):
    lock_file = tmp_path / "refresh.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert is_locked(lock_file)
        with (
            pytest.raises(RefreshLocked, match=rf"refresh by pid {holder.pid} since .*--wait"),
            refresh_lock(lock_file),
        ):
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    assert not is_locked(lock_file)
    with refresh_lock(lock_file):
        assert is_locked(lock_file)
    assert not is_locked(lock_file)
