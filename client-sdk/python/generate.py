#!/usr/bin/env python3
"""Generates the Python gRPC code of the Decentra API from the repository's `proto/` tree.

    pip install -r requirements-generate.txt
    python generate.py          # rewrite src/decentra/ (checked in)
    python generate.py --check  # exit 1 if the checked-in code differs from a fresh generation

The generated modules are `decentra.v1.<file>_pb2` (messages, with `.pyi` type stubs) and
`decentra.v1.<file>_pb2_grpc` (service stubs), named after the proto package `decentra.v1`.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parent.parent / "proto"
OUT_ROOT = HERE / "src"
# The only folder this script owns; everything under it is generated.
GENERATED = Path("decentra")

INIT_TEXT = '"""Generated from proto/ by client-sdk/python/generate.py. Do not edit."""\n'


def generate(out_root: Path) -> None:
    """Runs protoc (from grpcio-tools) over every .proto under proto/decentra/ into `out_root`.
    Imported third-party protos (google/protobuf, google/api) are resolved from grpcio-tools and
    proto/third_party but not generated: their Python modules come from `protobuf` and
    `googleapis-common-protos` at run time."""
    protos = sorted(
        p.relative_to(PROTO_ROOT).as_posix() for p in (PROTO_ROOT / "decentra").rglob("*.proto")
    )
    if not protos:
        sys.exit(f"no .proto files under {PROTO_ROOT}")
    cmd = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"--proto_path={PROTO_ROOT}",
        # google/api/{annotations,http}.proto, imported for the REST routes.
        f"--proto_path={PROTO_ROOT / 'third_party' / 'googleapis'}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        *protos,
    ]
    subprocess.run(cmd, check=True, cwd=PROTO_ROOT)
    # Regular packages (not namespace packages), so setuptools finds and ships them.
    for package in sorted({p.parent for p in (out_root / GENERATED).rglob("*.py")}):
        for folder in [package, *package.relative_to(out_root).parents]:
            init = out_root / folder / "__init__.py"
            if folder != Path(".") and not init.exists():
                init.write_text(INIT_TEXT)


def files(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def check() -> int:
    """Compares a fresh generation with the checked-in code; prints what differs."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh_root = Path(tmp)
        generate(fresh_root)
        fresh = files(fresh_root / GENERATED)
        current = files(OUT_ROOT / GENERATED) if (OUT_ROOT / GENERATED).exists() else {}
        problems = []
        for name in sorted(fresh.keys() | current.keys()):
            if name not in current:
                problems.append(f"missing (not checked in): {GENERATED / name}")
            elif name not in fresh:
                problems.append(f"stale (no longer generated): {GENERATED / name}")
            elif not filecmp.cmp(fresh[name], current[name], shallow=False):
                diff = difflib.unified_diff(
                    current[name].read_text().splitlines(),
                    fresh[name].read_text().splitlines(),
                    f"checked-in/{name}",
                    f"generated/{name}",
                    lineterm="",
                    n=1,
                )
                problems.append("\n".join(list(diff)[:40]))
        if problems:
            print("generated Python code is out of date; run client-sdk/python/generate.py:")
            print("\n".join(problems))
            return 1
        print(f"generated Python code is up to date ({len(fresh)} files)")
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, change nothing")
    args = parser.parse_args()
    if args.check:
        return check()
    target = OUT_ROOT / GENERATED
    if target.exists():
        shutil.rmtree(target)
    OUT_ROOT.mkdir(parents=True, exist_ok=True)
    generate(OUT_ROOT)
    print(f"generated {len(files(target))} files under {target.relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
