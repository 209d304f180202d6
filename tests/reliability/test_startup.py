"""Start-up: a database or queue that does not answer, or an instance folder that cannot be written,
stops every entry point with one line naming it (exit code 2), never a traceback or a server
that answers 500."""

from __future__ import annotations

import pytest

from reliability.helpers import free_port, hearth_env

CLOSED_DB = "postgresql://postgres:secret@127.0.0.1:{port}/hearth"

ENTRY_POINTS = {
    "web.serve": ["-m", "web.serve", "--port", "{web_port}"],
    "jobs.worker": ["-m", "jobs.worker"],
    "db upgrade": ["-c", "from web.console import main; main()", "db", "upgrade"],
    "hearth match": ["-c", "from web.console import main; main()", "match", "--centre", "x"],
    "gunicorn": ["-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:{web_port}", "web:create_app()"],
}


def _run(processes, tmp_path, args, env, cwd=None):
    args = [a.format(web_port=free_port()) for a in args]
    options = {"cwd": cwd} if cwd else {}
    process = processes(args, env, tmp_path / "out.log", **options)
    code = process.wait(timeout=60)
    return code, process.output()


def _one_line(output: str, setting: str) -> str:
    ours = [line for line in output.splitlines() if line.startswith("Hearth cannot start:")]
    assert len(ours) == 1, output
    assert ours[0].startswith(f"Hearth cannot start: {setting}: "), output
    assert "Traceback" not in output and "secret" not in output, output
    return ours[0]


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_a_closed_database_port_stops_start_up_with_one_line(tmp_path, processes, entry):
    env = hearth_env(CLOSED_DB.format(port=free_port()), tmp_path / "instance")
    code, output = _run(processes, tmp_path, ENTRY_POINTS[entry], env)
    assert code == 2, output
    line = _one_line(output, "DATABASE_URL")
    assert "is not answering" in line and "Connection refused" in line
    if entry != "gunicorn":  # gunicorn prints its own "Starting gunicorn" line first
        assert output.strip() == line


def test_gunicorn_without_the_config_file_stops_rather_than_looping(tmp_path, processes):
    env = hearth_env(CLOSED_DB.format(port=free_port()), tmp_path / "instance")
    code, output = _run(processes, tmp_path, ENTRY_POINTS["gunicorn"], env, cwd=tmp_path)
    assert code == 3, output  # gunicorn's "worker failed to boot": the master stops too
    _one_line(output, "DATABASE_URL")


@pytest.mark.parametrize("entry", ["web.serve", "jobs.worker"])
def test_a_closed_queue_port_stops_start_up_with_one_line(tmp_path, processes, fresh_url, entry):
    env = hearth_env(fresh_url, tmp_path / "instance", HEARTH_QUEUE_URL=f"redis://:pw@127.0.0.1:{free_port()}/0")
    code, output = _run(processes, tmp_path, ENTRY_POINTS[entry], env)
    assert code == 2, output
    line = _one_line(output, "HEARTH_QUEUE_URL")
    assert "is not answering" in line and ":pw@" not in line and output.strip() == line


@pytest.mark.parametrize("where", ["/proc/hearth-instance", "{tmp}/a-file/instance"])
@pytest.mark.parametrize("entry", ["web.serve", "jobs.worker", "hearth match"])
def test_an_instance_folder_that_cannot_be_written_stops_start_up(tmp_path, processes, fresh_url, where, entry):
    (tmp_path / "a-file").write_text("not a folder")
    env = hearth_env(fresh_url, tmp_path / "instance")
    env["HEARTH_INSTANCE_PATH"] = where.format(tmp=tmp_path)
    code, output = _run(processes, tmp_path, ENTRY_POINTS[entry], env)
    assert code == 2, output
    _one_line(output, "HEARTH_INSTANCE_PATH")
    assert output.strip().startswith("Hearth cannot start")
