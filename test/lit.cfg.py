# -*- Python -*-
# lit configuration for Tern. Tool paths come from CMake through
# lit.site.cfg.py; FileCheck and not come from Debian's /usr/lib/llvm-19/bin.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Tern"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".s", ".onnxtxt"]
# Fuzz/ holds libFuzzer targets and their regression inputs (some are .s
# files that must not run as lit tests).
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "Unit", "Fuzz"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tern_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%tern_src_root", config.tern_src_root))
config.substitutions.append(("%python", config.python_executable))

llvm_config.use_default_substitutions()  # FileCheck, not, count
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tools = [ToolSubst(name, unresolved="ignore") for name in
         ["tern-opt", "tern", "tern-translate"]]
llvm_config.add_tool_substitutions(tools, [config.tern_tools_dir,
                                           config.llvm_tools_dir])
