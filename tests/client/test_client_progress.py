"""Progress: a live bar that rewrites one terminal line, or plain lines in a log."""

import io

from app.client.progress import Progress, duration


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self):
        return True


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_on_a_terminal_the_bar_rewrites_one_line():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    progress.importing(0, 0, 2000)
    clock.now += 4
    progress.importing(750, 50, 2000)
    progress.finish()
    frames = stream.getvalue().split("\r\x1b[K")[1:]
    assert len(frames) == 2
    assert frames[-1] == (
        "importing [#########...............]  40% 800/2,000  created 750  failed in the run 50"
        "  200 users/s  ETA 6.0 s\n"
    )


def test_off_a_terminal_progress_is_plain_lines():
    stream = io.StringIO()
    progress = Progress(stream, clock=Clock())
    progress.staging(500, 1000)
    progress.finish()
    assert stream.getvalue() == ("staging  [############............]  50% 500/1,000 users sent\n")


def test_plain_lines_are_spaced_out_but_the_last_is_always_shown():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, clock=clock)
    for done in range(0, 1001, 100):
        progress.importing(done, 0, 1000, final=done == 1000)
        clock.now += 1
    lines = stream.getvalue().splitlines()
    assert [line.split()[3] for line in lines] == ["0/1,000", "500/1,000", "1,000/1,000"]


def test_an_unchanged_state_is_not_repeated():
    stream = Terminal()
    progress = Progress(stream, clock=Clock())
    progress.staging(1, 2)
    progress.staging(1, 2)
    assert stream.getvalue().count("\r") == 1


def test_a_note_goes_on_its_own_line():
    stream = Terminal()
    progress = Progress(stream, clock=Clock())
    progress.staging(1, 2)
    progress.note("no progress for 60 s")
    assert stream.getvalue().endswith("users sent\nno progress for 60 s\n")


def test_the_rate_is_unknown_at_the_start():
    stream = io.StringIO()
    Progress(stream, clock=Clock()).importing(0, 0, 10)
    assert stream.getvalue().endswith("0 users/s  ETA ?\n")


def test_durations_read_naturally():
    assert [duration(s) for s in (0.42, 42, 185, 3720)] == [
        "0.4 s",
        "42 s",
        "3 min 05 s",
        "1 h 02 min",
    ]


def test_the_last_line_says_how_long_it_took():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, clock=clock)
    progress.importing(0, 0, 10)
    clock.now += 12
    progress.importing(9, 1, 10, final=True)
    assert stream.getvalue().splitlines()[-1].endswith("1 users/s  done in 12 s")


def test_an_upload_shows_its_bytes_in_kib_or_mib():
    stream = io.StringIO()
    progress = Progress(stream, clock=Clock())
    progress.uploading(3 * 2**19, 50 * 2**20)
    progress.uploading(4 * 2**20, 50 * 2**20)  # a log gets a line every few seconds
    progress.uploading(50 * 2**20, 50 * 2**20)
    Progress(stream, clock=Clock()).uploading(500, 2000)
    assert stream.getvalue().splitlines() == [
        "uploading [........................]   3% 1.5 MiB of 50.0 MiB sent",
        "uploading [########################] 100% 50.0 MiB of 50.0 MiB sent",
        "uploading [######..................]  25% 500 B of 2.0 KiB sent",
    ]


def test_a_preparation_spins_on_a_terminal_and_says_what_was_found():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    progress.preparing("importer_file_loaded", {"users": 0})
    clock.now += 2
    progress.preparing("importer_preparing_users", {"users": 12000, "channels": 3})
    frames = stream.getvalue().split("\r\x1b[K")[1:]
    assert frames == [
        "preparing / file_loaded  nothing read yet  (0.0 s)",
        "preparing - preparing_users  12,000 users, 3 channels  (2.0 s)",
    ]


def test_off_a_terminal_the_preparation_is_a_line_every_few_seconds():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, clock=clock)
    for _ in range(4):
        progress.preparing("importer_preparing_users", {"users": 10})
        clock.now += 2
    assert stream.getvalue().splitlines() == [
        "preparing preparing_users  10 users  (0.0 s)",
        "preparing preparing_users  10 users  (6.0 s)",
    ]
