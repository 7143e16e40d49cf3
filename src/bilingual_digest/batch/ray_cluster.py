"""Reaching Ray: is it installed, join a cluster or start a local instance, fail fast if not.

Ray is an optional extra (``pip install 'bilingual-digest[ray]'``); this module imports it
only when a session starts. Ray's usage statistics are off (``RAY_USAGE_STATS_ENABLED=0``)
unless the environment says otherwise, and no dashboard is started.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import BilingualDigestError

INSTALL_HINT = (
    "The Ray engine needs Ray: install the extra with `pip install 'bilingual-digest[ray]'` "
    "(from a source checkout: `pip install '.[ray]'`)."
)


class RayEngineError(BilingualDigestError, RuntimeError):
    """The Ray run could not start or had to stop (no Ray, no cluster, a model not loadable)."""


def ray_missing() -> str | None:
    """Say how to install Ray when it is missing.

    Returns:
        ``None`` when Ray (with Ray Data) can be imported, else :data:`INSTALL_HINT`.
    """
    try:
        found = importlib.util.find_spec("ray") and importlib.util.find_spec("ray.data")
    except (ImportError, ValueError):
        found = None
    return None if found else INSTALL_HINT


def _import_ray() -> Any:
    hint = ray_missing()
    if hint is not None:
        raise RayEngineError(hint)
    import ray
    import ray.data

    return ray


def check_address(address: str, *, timeout: float = 10.0) -> None:
    """Fail fast on a cluster address that can't work (Ray itself retries for minutes).

    Args:
        address: ``"auto"`` (the cluster this machine belongs to; Ray checks it),
            ``"HOST:PORT"`` or ``"ray://HOST:PORT"``.
        timeout: Seconds to wait for the TCP connection.

    Raises:
        RayEngineError: If the address is malformed or nothing answers there.
    """
    if address == "auto":
        return
    host, sep, port = address.split("://", 1)[-1].rpartition(":")
    if not (sep and host and port.isdigit()):
        raise RayEngineError(
            f"Ray cluster address {address!r} is not auto, HOST:PORT or ray://HOST:PORT."
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise RayEngineError(
            f"Cannot reach the Ray cluster at {address!r} ({exc}): start it there with "
            "`ray start --head`, or check the address."
        ) from exc


@contextmanager
def ray_session(
    address: str | None = None,
    *,
    num_cpus: int | None = None,
    env_vars: dict[str, str] | None = None,
) -> Iterator[Any]:
    """Use Ray: the instance already started in this process, a cluster, or a new local one.

    A session this function starts is shut down when the ``with`` block ends; one that was
    already running (``ray.is_initialized()``) is left running.

    Args:
        address: A cluster to join (``"auto"``, ``"HOST:6379"`` or ``"ray://HOST:10001"``);
            ``None`` starts a local instance on this machine.
        num_cpus: CPUs the local instance offers (default: all of this machine's); ignored
            when joining a cluster.
        env_vars: Environment every task and actor of a session started here gets (the
            job's runtime environment: Ray's idle worker processes, started with the
            session, can run them; a task or actor with an environment of its own needs a
            new process, seconds of start-up on a busy machine).

    Yields:
        The ``ray`` module.

    Raises:
        RayEngineError: If Ray is not installed or the cluster can't be reached (see
            :func:`check_address`).
    """
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    if env_vars and address is not None:
        kwargs["runtime_env"] = {"env_vars": env_vars}
    if address is None:
        kwargs["num_cpus"] = num_cpus
    else:
        check_address(address)
    try:
        with _environment(env_vars if address is None else None):
            ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address!r}" if address else "a local Ray instance"
        raise RayEngineError(f"Cannot start or join {where}: {exc}") from exc
    _SESSION_ENV.update(env_vars or {})
    try:
        yield ray
    finally:
        _SESSION_ENV.clear()
        ray.shutdown()


_SESSION_ENV: dict[str, str] = {}


def session_env() -> dict[str, str]:
    """The environment every worker of the session :func:`ray_session` started has."""
    return dict(_SESSION_ENV)


@contextmanager
def _environment(env_vars: dict[str, str] | None) -> Iterator[None]:
    """This process's environment with ``env_vars``, while a local instance starts.

    The instance's processes inherit it, and so do the worker processes it starts at once:
    tasks and actors without a runtime environment of their own run in these, where one
    with its own needs a new process (seconds on a busy machine).
    """
    saved = {key: os.environ.get(key) for key in env_vars or {}}
    os.environ.update(env_vars or {})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_FORWARDED_ENV = ("BILINGUAL_DIGEST_", "HF_", "TRANSFORMERS_")


def worker_env() -> dict[str, str]:
    """The driver's settings that actors must see (models, backend, offline mode).

    Each actor reserves one CPU, so its models use one thread unless
    ``BILINGUAL_DIGEST_THREADS`` says otherwise (all cores per actor would oversubscribe).
    """
    env = {k: v for k, v in os.environ.items() if k.startswith(_FORWARDED_ENV)}
    env.setdefault("BILINGUAL_DIGEST_THREADS", "1")
    return env


def actor_env(ray: Any) -> dict[str, Any] | None:
    """The actors' runtime environment: none of their own when the session's has their
    variables already (see :func:`ray_session`), so that they can start in
    Ray's idle worker processes rather than new ones."""
    wanted = worker_env()
    job = ray.get_runtime_context().runtime_env.get("env_vars") or session_env()
    if all(job.get(k) == v for k, v in wanted.items()):
        return None
    return {"env_vars": wanted}
