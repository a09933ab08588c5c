"""The dump benchmarks run end to end at a tiny size; no timing is asserted."""

from bench import dump_crc, dumps


def test_the_dump_benchmark_runs_end_to_end(tmp_path):
    shapes = ("archive", "tar.gz")  # each measurement starts a Python: two shapes of six
    results = dumps.run([30], load_shapes={"archive"}, repeats=1, shapes=shapes)
    size = results["sizes"]["30"]
    assert set(size) == set(shapes)
    for shape in shapes:
        assert size[shape]["compare"]["documents"] == 30
        assert size[shape]["read"]["documents"] == 30
        assert size[shape]["read"]["peak_rss_mib"] > 0
    assert size["archive"]["load"]["documents"] == 30 and "load" not in size["tar.gz"]
    assert "| archive | " in dumps.markdown(results)


def test_every_crc_implementation_agrees_with_the_table():
    data = bytes(range(256)) * 8
    expected = dump_crc.python_table(data[1000:], dump_crc.python_table(data[:1000]))
    for name, update in dump_crc.candidates().items():
        assert update(data[1000:], update(data[:1000], 0)) == expected, name
