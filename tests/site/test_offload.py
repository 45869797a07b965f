"""The diff pages built in a forked process are the same bytes as built in-process."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from kaitei.model import Site
from kaitei.site import build
from kaitei.site.output import OutputFile

from .conftest import AFTER, BASE_URL, ROOT


def _collect(site: Site, monkeypatch: pytest.MonkeyPatch, *, offload: bool) -> list[OutputFile]:
    monkeypatch.setattr(build, "OFFLOAD_MIN_VERSIONS", 1 if offload else 10**9)
    return build.collect(site, AFTER, ROOT, BASE_URL)


def test_offloaded_build_is_identical(sample_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build._offload(sample_site, preview=False) is False  # the sample is too small
    serial = _collect(sample_site, monkeypatch, offload=False)
    forked = _collect(sample_site, monkeypatch, offload=True)
    assert build._offload(sample_site, preview=False) is True
    assert any(o.url.startswith("ja/privacy/diff/") for o in forked)
    assert forked == serial


def test_a_failing_child_falls_back_to_building_in_process(
    sample_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _collect(sample_site, monkeypatch, offload=False)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("the pipe broke")

    monkeypatch.setattr(pickle, "dump", broken)  # only the child pickles
    assert _collect(sample_site, monkeypatch, offload=True) == serial


def test_never_under_serve(sample_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "OFFLOAD_MIN_VERSIONS", 1)
    assert build._offload(sample_site, preview=True) is False
