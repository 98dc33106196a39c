"""The command line: serve, encrypt, decrypt and check-fixtures, with one clear line on error."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from mockserver.cli import main

from .conftest import DEFAULT_FIXTURES, REPO


def test_encrypt_prints_the_documents_ciphertext(capsys):
    assert main(["encrypt", "--random", "j1acpdj2bmtqZXVb", "china1234"]) == 0
    assert capsys.readouterr().out == "lkZMvj0KDSJXlp66jBieHA==\n"


def test_decrypt_prints_the_documents_plaintext(capsys):
    assert main(["decrypt", "--random", "j1acpdj2bmtqZXVb", "lkZMvj0KDSJXlp66jBieHA=="]) == 0
    assert capsys.readouterr().out == "china1234\n"


def test_decrypt_with_the_wrong_random_fails_with_one_line(capsys):
    assert main(["decrypt", "--random", "wrong", "lkZMvj0KDSJXlp66jBieHA=="]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ") and "padding" in err


def test_check_fixtures_accepts_the_default_fixtures(capsys):
    assert main(["check-fixtures", str(DEFAULT_FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "ok (3 user domains, 5 users, 6 codes, 22 scenarios, 3 rules)" in out


def test_check_fixtures_names_file_and_line_of_a_mistake(tmp_path, capsys):
    (tmp_path / "world.yaml").write_text("userDomains:\n  - id: C.DM.1.1\n    nmae: typo\n")
    assert main(["check-fixtures", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'world.yaml'}:3: ")
    assert "nmae" in err


def test_check_fixtures_of_a_missing_folder_fails_cleanly(tmp_path, capsys):
    assert main(["check-fixtures", str(tmp_path / "nowhere")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_unknown_command_exits_non_zero():
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_serve_refuses_broken_fixtures_with_file_and_line(tmp_path):
    (tmp_path / "world.yaml").write_text("users: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--fixtures", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert f"{tmp_path / 'world.yaml'}:" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_answers_on_loopback_with_a_production_server():
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        banner = process.stdout.readline()
        assert banner.startswith("userPwdReset mock on http://127.0.0.1:"), banner
        url = banner.split()[3]
        with urllib.request.urlopen(f"{url}/__admin/health", timeout=10) as response:
            assert json.load(response)["status"] == "ok"
            assert response.headers["Server"] == "userPwdReset-mock"
    finally:
        process.terminate()
        process.wait(timeout=10)
