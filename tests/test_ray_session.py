"""A local Ray session started for a batch run: its workers get the run's settings.

The settings reach the instance's own environment (so the worker processes Ray starts with
it have them, and the actors need no runtime environment of their own, which would cost a new
process each); the driver's environment is left as it was.
"""

from __future__ import annotations

import os

import pytest

from bilingual_digest.batch.ray_cluster import ray_session, session_env

PROBE = "BILINGUAL_DIGEST_SESSION_PROBE"


@pytest.mark.ray
def test_a_local_session_gives_its_workers_the_settings_and_restores_the_driver() -> None:
    pytest.importorskip("ray.data")
    assert PROBE not in os.environ
    with ray_session(num_cpus=1, env_vars={PROBE: "on"}) as ray:
        assert PROBE not in os.environ
        assert session_env() == {PROBE: "on"}

        @ray.remote(num_cpus=0)
        def probe() -> str | None:
            return os.environ.get(PROBE)

        assert ray.get(probe.remote()) == "on"
        assert ray.get_runtime_context().runtime_env.get("env_vars") is None
    assert session_env() == {} and PROBE not in os.environ
