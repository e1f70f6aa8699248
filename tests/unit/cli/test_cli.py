"""The owner's command line, run as the owner runs it."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from tests.support.paths import EXAMPLE, FIXTURE


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_passes_on_the_example() -> None:
    code, out, _ = run("check", str(EXAMPLE))
    assert code == 0
    assert out.startswith(f"{EXAMPLE}: valid (rules version ")


def test_check_fails_with_located_errors_and_exit_1(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, campaigns)
    programme_file = campaigns / "program.yaml"
    programme_file.write_text(
        programme_file.read_text("utf-8").replace("per: 1\n", "pre: 1\n"), "utf-8"
    )
    code, out, err = run("check", str(campaigns))
    assert code == 1
    assert out == ""
    assert f"{campaigns.name}/program.yaml:27:5: loyalty.earning.pre: unknown key 'pre'" in err
    assert "hint: did you mean 'per'?" in err
    assert err.rstrip().endswith(f"1 error in {campaigns}")


def test_check_json_output_for_editors_and_ci(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, campaigns)
    letter = campaigns / "newsletters" / "spring.yaml"
    letter.write_text(letter.read_text("utf-8").replace("[gold]", "[golden]"), "utf-8")
    code, out, _ = run("check", str(campaigns), "--format", "json")
    assert code == 1
    assert json.loads(out) == {
        "valid": False,
        "errors": [
            {
                "file": "campaigns/newsletters/spring.yaml",
                "line": 5,
                "column": 11,
                "path": "audience.tiers[0]",
                "message": "unknown tier 'golden'",
                "hint": "did you mean 'gold'?",
            }
        ],
    }
    code, out, _ = run("check", str(FIXTURE), "--format", "json")
    assert code == 0
    assert json.loads(out)["valid"] is True


def test_show_prints_what_the_programme_contains() -> None:
    code, out, _ = run("show", str(EXAMPLE))
    assert code == 0
    # Russian money: a no-break space groups thousands and precedes the sign.
    money = "15\u00a0000,00\u00a0₽"
    for expected in ("Медная турка", "Завсегдатай", money, "Капучино в подарок", "win_back"):
        assert expected in out


def test_init_makes_a_project_whose_commands_need_no_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "my-cafe"
    code, out, _ = run("init", str(target))
    assert code == 0, out
    programme = target / "campaigns" / "program.yaml"
    assert programme.read_text("utf-8") == (EXAMPLE / "program.yaml").read_text("utf-8")
    assert (target / "campaigns" / "schemas" / "program.schema.json").is_file()
    assert (target / ".gitignore").read_text("utf-8") == "data/\nbuild/\n"
    assert "stampbook check" in (target / "README.md").read_text("utf-8")
    # From the project, or any folder inside it, as git finds its repository.
    for env in ("STAMPBOOK_CAMPAIGNS", "STAMPBOOK_DB", "STAMPBOOK_OUTBOX"):
        monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("STAMPBOOK_SIGNING_KEY_FILE", "")
    inside = target / "campaigns" / "newsletters"
    for folder in (target, inside):
        monkeypatch.chdir(folder)
        code, out, err = run("check")
        assert code == 0, err
        assert ": valid (rules version" in out
    code, out, err = run("customers", "import", "../import-examples/customers.csv")
    assert code == 0, err
    assert (target / "data" / "stampbook.db").is_file()  # the project's, not the folder's


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    code, _, err = run("init", str(tmp_path))
    assert code == 1
    assert "not empty" in err
    assert (tmp_path / "notes.txt").read_text("utf-8") == "mine"


def test_schema_writes_then_reports_up_to_date(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(FIXTURE, campaigns)
    code, _, err = run("schema", str(campaigns), "--check")
    assert code == 1
    assert "out of date" in err
    code, out, _ = run("schema", str(campaigns))
    assert code == 0
    assert out.count("wrote ") == 3
    assert run("schema", str(campaigns), "--check")[0] == 0
    schema = json.loads((campaigns / "schemas" / "newsletter.schema.json").read_text("utf-8"))
    assert "screen-clean" in json.dumps(schema)


def test_commands_on_a_broken_programme_point_to_check(tmp_path: Path) -> None:
    code, _, err = run("show", str(tmp_path))
    assert code == 1
    assert "stampbook check" in err


def test_check_notes_schemas_left_behind_by_a_new_reward(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    shutil.copytree(EXAMPLE, campaigns)
    assert run("check", str(campaigns))[2] == ""
    programme_file = campaigns / "program.yaml"
    programme_file.write_text(
        programme_file.read_text("utf-8")
        + "  - id: croissant\n    title: Круассан\n    points: 150\n    description: С маслом\n",
        "utf-8",
    )
    code, out, err = run("check", str(campaigns))
    assert code == 0
    assert out.startswith(f"{campaigns}: valid")
    # Reward ids are offered in newsletters' reward blocks.
    assert err.startswith("note: newsletter.schema.json out of date")
    code, out, _ = run("check", str(campaigns), "--format", "json")
    assert json.loads(out)["stale_schemas"] == ["newsletter.schema.json"]
    run("schema", str(campaigns))
    assert run("check", str(campaigns))[2] == ""


def test_without_the_aws_libraries_an_aws_command_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a machine where `pip install stampbook` left the [aws] extra out.
    monkeypatch.setitem(sys.modules, "boto3", None)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html></html>", "utf-8")
    code, out, err = run("site", "publish", "my-bucket", "--site", str(tmp_path / "site"))
    assert code == 1
    assert err.strip() == (
        "Error: this needs the AWS libraries, which this installation does not have:"
        " pip install 'stampbook[aws]'"
    )
    assert "Traceback" not in out + err
