"""ProfileStore on real files: atomic writes, corruption kept aside, concurrent instances."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.profiles import (
    ENVIRONMENT_PROFILE_ID,
    Profile,
    ProfilesFileCorrupt,
    ProfileStore,
    default_profiles_path,
    environment_password,
    environment_profile,
    unreadable_text,
)

NO_ENV: dict[str, str] = {}


def _profile(name: str, uri: str = "neo4j://localhost:7687") -> Profile:
    return Profile(name=name, connection=ConnectionSettings(uri=uri, user="neo4j"))


def test_add_update_delete_duplicate_round_trip(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "profiles.json", env=NO_ENV)
    assert store.load() == []
    a = _profile("Local")
    store.add(a)
    b = _profile("Prod", "neo4j+s://db.example.com")
    store.add(b)
    assert [p.name for p in store.load()] == ["Local", "Prod"]

    edited = a.touched(name="Local dev")
    store.update(edited)
    copy = store.duplicate(b.id)
    assert copy.id != b.id and copy.name == "Prod (copy)"
    assert copy.connection == b.connection
    store.delete(a.id)

    fresh = ProfileStore(tmp_path / "profiles.json", env=NO_ENV).load()
    assert [p.name for p in fresh] == ["Prod", "Prod (copy)"]
    raw = json.loads((tmp_path / "profiles.json").read_text())
    assert raw["format"] == 1
    assert "transient" not in raw["profiles"][0]
    assert not [f for f in tmp_path.iterdir() if f.name.endswith(".tmp")]


def test_profile_validation_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        Profile(name="  ", connection=ConnectionSettings(uri="neo4j://h", user="u"))
    assert info.value.errors()[0]["loc"] == ("name",)


def test_default_path_follows_config_dir_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEOSENSE_CONFIG_DIR", str(tmp_path / "cfg"))
    assert default_profiles_path() == tmp_path / "cfg" / "profiles.json"


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"profiles": {"name": "x"}}', b"\xff\xfe\x00"],
)
def test_corrupt_file_is_moved_aside_and_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "profiles.json"
    path.write_bytes(content)
    store = ProfileStore(path, env=NO_ENV)
    with pytest.raises(ProfilesFileCorrupt) as info:
        store.load()
    assert info.value.code is ErrorCode.FILE_CORRUPT
    kept = list(tmp_path.glob("profiles.json.corrupt-*"))
    assert len(kept) == 1 and kept[0] == info.value.moved_to
    assert kept[0].read_bytes() == content  # the damaged data is kept, byte for byte
    assert not path.exists()
    # Afterwards the list starts empty and new profiles are saved normally.
    assert store.load() == []
    store.add(_profile("New"))
    assert [p.name for p in ProfileStore(path, env=NO_ENV).load()] == ["New"]


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "no connection"},
        {"name": "bad uri", "connection": {"uri": "http://x", "user": "u"}},
        42,
        None,
        [[[[]]]],
        {"name": "no id", "connection": {"uri": "neo4j://h", "user": "u"}, "id": ""},
        {"name": "\ud800", "connection": {"uri": "neo4j://h", "user": "u"}},
    ],
)
def test_one_unreadable_profile_is_set_aside_alone(
    tmp_path: Path, bad: object, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "profiles.json"
    good = [_profile("First"), _profile("Last")]
    entries = [good[0].model_dump(mode="json"), bad, good[1].model_dump(mode="json")]
    path.write_text(json.dumps({"format": 1, "profiles": entries}))
    store = ProfileStore(path, env=NO_ENV)
    with caplog.at_level("WARNING", logger="neosense_desktop.core.profiles"):
        assert [p.name for p in store.load()] == ["First", "Last"]
    notices = store.take_set_aside()
    assert len(notices) == 1 and notices[0].count == 1
    assert unreadable_text(notices[0].count) == "1 saved connection could not be read"
    kept = list(tmp_path.glob("profiles.json.unreadable-*"))
    assert kept == [notices[0].moved_to]
    assert json.loads(kept[0].read_text())["profiles"] == [bad]  # kept as it was
    assert [r.message for r in caplog.records if "could not be read" in r.message]
    assert not list(tmp_path.glob("profiles.json.corrupt-*"))
    # Set aside once: the file now holds the others, and a second load is quiet.
    assert [p.name for p in ProfileStore(path, env=NO_ENV).load()] == ["First", "Last"]
    assert store.take_set_aside() == []
    assert unreadable_text(2) == "2 saved connections could not be read"


def test_corruption_met_while_saving_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    store = ProfileStore(path, env=NO_ENV)
    store.add(_profile("A"))
    path.write_text("garbage")
    store.add(_profile("B"))
    notices = store.take_recovered()
    assert len(notices) == 1 and notices[0].moved_to.read_text() == "garbage"
    assert store.take_recovered() == []
    assert [p.name for p in store.load()] == ["B"]


def test_two_instances_do_not_lose_each_others_updates(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    first = ProfileStore(path, env=NO_ENV)
    second = ProfileStore(path, env=NO_ENV)
    shared = _profile("Shared")
    first.add(shared)
    view_1 = first.load()
    view_2 = second.load()
    # Each instance edits its own in-memory view and saves the whole list.
    view_1.append(_profile("Added by first"))
    first.save(view_1)
    view_2 = [p.touched(name="Renamed by second") if p.id == shared.id else p for p in view_2]
    view_2.append(_profile("Added by second"))
    second.save(view_2)
    names = sorted(p.name for p in ProfileStore(path, env=NO_ENV).load())
    assert names == ["Added by first", "Added by second", "Renamed by second"]
    # A delete through save() removes only what that instance knew and dropped.
    view_1 = first.load()
    first.save([p for p in view_1 if p.name != "Added by second"])
    assert sorted(p.name for p in second.load()) == ["Added by first", "Renamed by second"]


_WORKER = """
import sys
from pathlib import Path
from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.profiles import Profile, ProfileStore
store = ProfileStore(Path(sys.argv[1]), env={})
for i in range(int(sys.argv[3])):
    store.add(Profile(name=f"{sys.argv[2]}-{i}",
                      connection=ConnectionSettings(uri="bolt://h", user="u")))
"""


def test_concurrent_processes_all_land(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WORKER, str(path), tag, "15"])
        for tag in ("a", "b", "c")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    names = {p.name for p in ProfileStore(path, env=NO_ENV).load()}
    assert names == {f"{t}-{i}" for t in "abc" for i in range(15)}


def test_environment_profile_shown_but_never_written(tmp_path: Path) -> None:
    env = {
        "NEO4J_URI": "neo4j://envhost:7687",
        "NEO4J_USERNAME": "envuser",
        "NEO4J_PASSWORD": "env-secret",
        "NEO4J_DATABASE": "movies",
    }
    path = tmp_path / "profiles.json"
    store = ProfileStore(path, env=env)
    loaded = store.load()
    assert len(loaded) == 1 and loaded[0].id == ENVIRONMENT_PROFILE_ID and loaded[0].transient
    assert loaded[0].connection.database == "movies"
    assert environment_password(env) == "env-secret"
    store.save(loaded)
    store.add(_profile("Mine"))
    text = path.read_text()
    assert "envhost" not in text and "env-secret" not in text
    # The user saves a copy: that one is persisted, under a new id.
    copy = store.duplicate(ENVIRONMENT_PROFILE_ID, "From env")
    assert copy.id != ENVIRONMENT_PROFILE_ID
    assert [p.name for p in ProfileStore(path, env=NO_ENV).load()] == ["Mine", "From env"]


def test_environment_profile_ignores_invalid_values() -> None:
    assert environment_profile({"NEO4J_URI": "http://x", "NEO4J_USERNAME": "u"}) is None
    assert environment_profile({"NEO4J_URI": "neo4j://x"}) is None


def test_find_by_id_name_and_casefolded_name(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "p.json", env=NO_ENV)
    p = _profile("Staging DB")
    store.add(p)
    assert store.find(p.id) == p
    assert store.find("Staging DB") == p
    assert store.find("staging db") == p
    assert store.find("nope") is None


def test_adding_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "p.json", env=NO_ENV)
    p = _profile("A")
    store.add(p)
    with pytest.raises(NeoSenseError) as info:
        store.add(p)
    assert info.value.code is ErrorCode.INVALID_INPUT


def test_unwritable_location_gives_a_typed_error(tmp_path: Path) -> None:
    # A regular file where the folder should be: fails for root too, unlike chmod.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store = ProfileStore(blocker / "profiles.json", env=NO_ENV)
    with pytest.raises(NeoSenseError) as info:
        store.add(_profile("B"))
    assert info.value.code is ErrorCode.FILE_WRITE_FAILED
    assert blocker.read_text() == ""


def test_unreadable_file_is_not_treated_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.mkdir()  # reading a folder fails with an OSError, not a parse error
    with pytest.raises(NeoSenseError) as info:
        ProfileStore(path, env=NO_ENV).load()
    assert info.value.code is ErrorCode.FILE_READ_FAILED
    assert path.is_dir() and not list(tmp_path.glob("*.corrupt-*"))
