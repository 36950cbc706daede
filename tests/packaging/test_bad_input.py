"""Bad input at the packaging layer: malformed Cargo.toml / pyproject.toml, a crate with no
cdylib, a module-name mismatch and an unwritable output folder, through `cargo hpy build`,
`sdist`, `develop`, `new`/`init` and the PEP 517 backend shim. Each fails with one `error:`
line (plus `hint:` lines) naming the file, and the line and column for TOML, exit code 1, no
panic or traceback, and nothing written to the output folder."""
import os
import shutil

import pytest

from conftest import (BACKEND, SHARED, assert_one_line_error, backend_hook, cargo_hpy_run,
                      expect_error, module_crate, run, unwritable, write)

COMMANDS = ["build", "sdist", "develop"]


def packaging_args(command, manifest, out, venvs):
    """Arguments of `command` for the crate at `manifest`, writing to `out`."""
    if command == "develop":
        return ["develop", "--python", venvs["py311"], "-m", manifest]
    return [command, "-m", manifest, "-o", out]


def pip_wheel(py, project, out, cargo_hpy):
    """`pip wheel .` with the project's backend shim (offline)."""
    return run([py, "-m", "pip", "--disable-pip-version-check", "wheel", "-q", "--no-index",
                "--no-deps", "-w", out, "."],
               cwd=project, env=dict(SHARED, CARGO_HPY=cargo_hpy), check=False)


# ---------------------------------------------------------------- malformed Cargo.toml

BAD_CARGO = {
    # Our own parse: the file, the line and the column of the syntax error.
    "syntax": ('[package]\nname = "badcargo"\nversion = "0.1.0"\nedition = "2021"\n\n'
               '[lib\ncrate-type = ["cdylib"]\n',
               "`{m}`, line 6, column 5: invalid TOML: "),
    # Valid TOML that cargo rejects, with a position: cargo's message, on one line.
    "cargo-located": ('[package]\nname = "badcargo"\nversion = "x0.1.0"\nedition = "2021"\n\n'
                      '[lib]\ncrate-type = ["cdylib"]\n\n[workspace]\n',
                      "`{m}`, line 3, column 11: "),
    # ... and without one.
    "cargo-unlocated": ('[package]\nversion = "0.1.0"\nedition = "2021"\n\n'
                        '[lib]\ncrate-type = ["cdylib"]\n\n[workspace]\n',
                        "`{m}`: invalid manifest: missing field `package.name`"),
}


@pytest.mark.parametrize("case", sorted(BAD_CARGO))
@pytest.mark.parametrize("command", COMMANDS)
def test_malformed_cargo_toml(work, cargo_hpy, venvs, command, case):
    text, message = BAD_CARGO[case]
    crate = os.path.join(work, "bad", f"cargo-{case}-{command}")
    os.makedirs(os.path.join(crate, "src"))
    manifest = write(os.path.join(crate, "Cargo.toml"), text)
    write(os.path.join(crate, "src", "lib.rs"), "")
    out = os.path.join(work, "bad", f"out-cargo-{case}-{command}")
    expect_error(cargo_hpy, *packaging_args(command, manifest, out, venvs),
                 message=message.format(m=manifest), env=SHARED, unchanged=[out, crate])
    assert not os.path.exists(out)


def test_malformed_cargo_toml_init(work, cargo_hpy):
    folder = os.path.join(work, "bad", "cargo-init")
    text, message = BAD_CARGO["syntax"]
    manifest = write(os.path.join(folder, "Cargo.toml"), text)
    expect_error(cargo_hpy, "init", folder, message=message.format(m=manifest),
                 unchanged=[folder])
    # A crate without a name: found before anything is written.
    write(manifest, '[package]\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib"]\n')
    expect_error(cargo_hpy, "init", folder, message=f"`{manifest}`, line 1, column 1: "
                 "`package` has no `name`", unchanged=[folder])


def test_malformed_cargo_toml_backend(work, cargo_hpy, venvs):
    proj = module_crate(os.path.join(work, "bad", "cargo-backend"), "badbackend")
    text, message = BAD_CARGO["syntax"]
    manifest = write(os.path.join(proj, "Cargo.toml"), text)
    expected = message.format(m=manifest)
    # The hook itself, as any PEP 517 frontend calls it: cargo-hpy's error line, nothing else.
    out = os.path.join(work, "bad", "cargo-backend-out")
    os.makedirs(out)
    for hook in ["build_wheel", "build_sdist"]:
        proc = backend_hook(venvs["py311"], proj, hook, out, env={"CARGO_HPY": cargo_hpy})
        assert proc.returncode == 1, proc.stderr
        assert_one_line_error(proc.stderr, expected)
        assert proc.stdout == "" and os.listdir(out) == []
    # pip shows the same line, and writes no wheel.
    proc = pip_wheel(venvs["py311"], proj, out, cargo_hpy)
    assert proc.returncode != 0
    assert expected in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout
    assert os.listdir(out) == []


# ---------------------------------------------------------------- malformed pyproject.toml

BAD_PYPROJECT = {
    "syntax": ('[project\nname = "x"\n', "`{p}`, line 1, column 9: invalid TOML: "),
    "version-type": ('[project]\nname = "badpy"\nversion = 1\n',
                     "`{p}`, line 3, column 11: `project.version` must be a string, not an "
                     "integer"),
    "config-type": ('[tool.hpy-rs]\nmodule-name = ["badpy"]\n',
                    "`{p}`, line 2, column 15: `tool.hpy-rs.module-name` must be a string, not "
                    "an array"),
    "dependencies": ('[project]\nname = "badpy"\ndependencies = "numpy"\n',
                     "`{p}`, line 3, column 16: `project.dependencies` must be an array of "
                     "strings, not a string"),
}


@pytest.mark.parametrize("case", sorted(BAD_PYPROJECT))
@pytest.mark.parametrize("command", COMMANDS)
def test_malformed_pyproject_toml(work, cargo_hpy, venvs, command, case):
    text, message = BAD_PYPROJECT[case]
    crate = module_crate(os.path.join(work, "bad", f"py-{case}-{command}"), "badpy",
                         backend=False)
    pyproject = write(os.path.join(crate, "pyproject.toml"), text)
    out = os.path.join(work, "bad", f"out-py-{case}-{command}")
    expect_error(cargo_hpy, *packaging_args(command, os.path.join(crate, "Cargo.toml"), out, venvs),
                 message=message.format(p=pyproject), env=SHARED, unchanged=[out, crate])


@pytest.mark.parametrize("case", ["syntax", "config-type"])
def test_malformed_pyproject_toml_init(work, cargo_hpy, case):
    folder = os.path.join(work, "bad", f"py-init-{case}")
    text, message = BAD_PYPROJECT[case]
    pyproject = write(os.path.join(folder, "pyproject.toml"), text)
    expect_error(cargo_hpy, "init", folder, message=message.format(p=pyproject),
                 unchanged=[folder])


def test_malformed_pyproject_toml_backend(work, cargo_hpy, venvs):
    proj = module_crate(os.path.join(work, "bad", "py-backend"), "badpybackend")
    out = os.path.join(work, "bad", "py-backend-out")
    os.makedirs(out)
    # A value of the wrong type: pip reads the file fine, the backend reports it.
    pyproject = write(os.path.join(proj, "pyproject.toml"),
                      BACKEND + '\n[project]\nname = "badpybackend"\nversion = 1\n')
    expected = f"`{pyproject}`, line 8, column 11: `project.version` must be a string"
    proc = pip_wheel(venvs["py311"], proj, out, cargo_hpy)
    assert proc.returncode != 0 and expected in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout and os.listdir(out) == []
    # A syntax error: pip parses pyproject.toml itself and stops before the backend runs
    # (its message is pip's own), so call the hook as another frontend would.
    write(pyproject, BACKEND + '\n[project\nname = "badpybackend"\n')
    proc = pip_wheel(venvs["py311"], proj, out, cargo_hpy)
    assert proc.returncode != 0 and "line 6, column 9" in proc.stderr + proc.stdout
    assert os.listdir(out) == []
    proc = backend_hook(venvs["py311"], proj, "build_wheel", out, env={"CARGO_HPY": cargo_hpy})
    assert proc.returncode == 1
    assert_one_line_error(proc.stderr, f"`{pyproject}`, line 6, column 9: invalid TOML: ")
    assert os.listdir(out) == []


# ---------------------------------------------------------------- a crate with no cdylib

NO_CDYLIB = {
    "rlib": ('[package]\nname = "nocdylib"\nversion = "0.1.0"\nedition = "2021"\n\n'
             '[workspace]\n', "src/lib.rs", "pub fn f() {}\n"),
    "bin-only": ('[package]\nname = "nocdylib"\nversion = "0.1.0"\nedition = "2021"\n\n'
                 '[workspace]\n', "src/main.rs", "fn main() {}\n"),
}


@pytest.mark.parametrize("case", sorted(NO_CDYLIB))
@pytest.mark.parametrize("command", COMMANDS)
def test_crate_without_cdylib(work, cargo_hpy, venvs, command, case):
    text, source, code = NO_CDYLIB[case]
    crate = os.path.join(work, "bad", f"nocdylib-{case}-{command}")
    manifest = write(os.path.join(crate, "Cargo.toml"), text)
    write(os.path.join(crate, source), code)
    out = os.path.join(work, "bad", f"out-nocdylib-{case}-{command}")
    err = expect_error(cargo_hpy, *packaging_args(command, manifest, out, venvs),
                       message="crate `nocdylib` is not a cdylib", env=SHARED,
                       unchanged=[out, crate])
    assert f'hint: add `crate-type = ["cdylib"]` to the `[lib]` table of `{manifest}`' in err


def test_crate_without_cdylib_init_and_backend(work, cargo_hpy, venvs):
    text, source, code = NO_CDYLIB["rlib"]
    folder = os.path.join(work, "bad", "nocdylib-init")
    write(os.path.join(folder, "Cargo.toml"), text)
    write(os.path.join(folder, source), code)
    expect_error(cargo_hpy, "init", folder, message="crate `nocdylib` is not a cdylib",
                 unchanged=[folder])
    # Through pip: the same message, no wheel.
    proj = module_crate(os.path.join(work, "bad", "nocdylib-backend"), "nocdylib")
    write(os.path.join(proj, "Cargo.toml"), text)
    out = os.path.join(work, "bad", "nocdylib-backend-out")
    os.makedirs(out)
    proc = pip_wheel(venvs["py311"], proj, out, cargo_hpy)
    assert proc.returncode != 0 and "error: crate `nocdylib` is not a cdylib" in proc.stderr
    assert os.listdir(out) == []


# ---------------------------------------------------------------- module-name mismatch

def test_module_name_mismatch_develop_and_backend(work, cargo_hpy, venvs):
    """`build` is covered in test_packaging.py; here develop and pip, with an earlier wheel of
    the output folder left as it was."""
    proj = module_crate(os.path.join(work, "bad", "mismatch"), "mismatch", mod="other")
    message = "module name mismatch: the wheel's module is `mismatch`"
    out = os.path.join(work, "bad", "mismatch-out")
    write(os.path.join(out, "mismatch-0.0.1-py3-none-any.whl"), "an earlier wheel")
    expect_error(cargo_hpy, "build", "-m", os.path.join(proj, "Cargo.toml"), "-o", out,
                 env=SHARED, message=message, unchanged=[out])
    py = venvs["py311"]
    err = expect_error(cargo_hpy, "develop", "--python", py, "-m",
                       os.path.join(proj, "Cargo.toml"), env=SHARED, message=message)
    assert "Installing" not in err
    proc = pip_wheel(py, proj, out, cargo_hpy)
    assert proc.returncode != 0 and f"error: {message}" in proc.stderr
    assert os.listdir(out) == ["mismatch-0.0.1-py3-none-any.whl"]


def test_module_name_mismatch_init(work, cargo_hpy):
    """init would write `mod initmis` while the kept pyproject.toml says module-name = other."""
    folder = os.path.join(work, "bad", "initmis")
    pyproject = write(os.path.join(folder, "pyproject.toml"),
                      '[tool.hpy-rs]\nmodule-name = "pkg.other"\n')
    err = expect_error(cargo_hpy, "init", folder,
                       message=f"`{pyproject}`, line 2, column 15: `tool.hpy-rs.module-name` is "
                               "`pkg.other`, but the generated src/lib.rs would define the module "
                               "`initmis` (module name mismatch)", unchanged=[folder])
    assert "hint: pass --name other" in err
    # Following the hint works: the kept module-name decides, src/lib.rs defines its last part.
    proc = cargo_hpy_run(cargo_hpy, "init", "--name", "other", folder)
    assert "Initialised hpy-rs project `other` (module `pkg.other`)" in proc.stderr
    assert "mod other {" in open(os.path.join(folder, "src", "lib.rs")).read()
    assert "import pkg.other" in open(os.path.join(folder, "tests", "test_pkg_other.py")).read()


def test_init_in_a_crate_uses_its_module(work, cargo_hpy):
    """An existing hpy-rs crate keeps its module name (no mismatch with its own lib.rs)."""
    folder = module_crate(os.path.join(work, "bad", "initcrate"), "initcrate", backend=False)
    proc = cargo_hpy_run(cargo_hpy, "init", "--name", "dist-name", folder)
    assert "project `dist-name` (module `initcrate`)" in proc.stderr
    text = open(os.path.join(folder, "pyproject.toml")).read()
    assert 'name = "dist-name"' in text and 'module-name = "initcrate"' in text
    assert os.path.isfile(os.path.join(folder, "tests", "test_initcrate.py"))


# ---------------------------------------------------------------- unwritable output folder

def test_unwritable_output_folder(work, cargo_hpy, venvs):
    proj = module_crate(os.path.join(work, "bad", "ro-crate"), "rocrate")
    manifest = os.path.join(proj, "Cargo.toml")
    with unwritable(os.path.join(work, "bad", "ro")) as ro:
        for command in ["build", "sdist"]:
            err = expect_error(cargo_hpy, command, "-m", manifest, "-o", ro, env=SHARED,
                               message=f"cannot write to the output folder `{ro}`: ",
                               unchanged=[ro])
            # Found before the build, not after minutes of compiling.
            assert "Compiling" not in err
        expect_error(cargo_hpy, "build", "-m", manifest, "-o", os.path.join(ro, "sub"),
                     env=SHARED, message=f"cannot create the output folder `{ro}/sub`: ",
                     unchanged=[ro])
        # The backend, called with an unwritable folder.
        for hook in ["build_wheel", "build_sdist"]:
            proc = backend_hook(venvs["py311"], proj, hook, ro, env={"CARGO_HPY": cargo_hpy})
            assert proc.returncode == 1
            assert_one_line_error(proc.stderr, f"cannot write to the output folder `{ro}`")
        # new and init.
        expect_error(cargo_hpy, "new", os.path.join(ro, "demo"),
                     message=f"cannot create the project folder `{ro}/demo`: ", unchanged=[ro])
        expect_error(cargo_hpy, "init", ro, message=f"cannot write to the project folder `{ro}`",
                     unchanged=[ro])
    # A file where the output folder should be.
    afile = write(os.path.join(work, "bad", "afile"), "")
    expect_error(cargo_hpy, "sdist", "-m", manifest, "-o", afile, env=SHARED,
                 message=f"cannot create the output folder `{afile}`: ")
    # develop writes the wheel to <target>/hpy-develop.
    develop_dir = os.path.join(SHARED["CARGO_TARGET_DIR"], "hpy-develop")
    shutil.rmtree(develop_dir, ignore_errors=True)
    with unwritable(develop_dir):
        expect_error(cargo_hpy, "develop", "--python", venvs["py311"], "-m", manifest, env=SHARED,
                     message=f"cannot write to the output folder `{develop_dir}`",
                     unchanged=[develop_dir])


def test_init_rolls_back_when_a_write_fails(work, cargo_hpy):
    """`tests` is a file, so tests/test_<m>.py cannot be written: every file init wrote before
    is removed again, and the folder is as it was."""
    folder = os.path.join(work, "bad", "init-rollback")
    write(os.path.join(folder, "tests"), "a file, not a folder\n")
    write(os.path.join(folder, "README.md"), "mine\n")
    expect_error(cargo_hpy, "init", folder,
                 message=f"cannot write `{folder}/tests/test_init_rollback.py`: ",
                 unchanged=[folder])
    assert sorted(os.listdir(folder)) == ["README.md", "tests"]
    # `new` into a missing folder under a file: no partial folder either.
    expect_error(cargo_hpy, "new", os.path.join(folder, "tests", "x", "demo"),
                 message="cannot create", unchanged=[folder])
