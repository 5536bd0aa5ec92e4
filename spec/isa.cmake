# The accelerator's instruction-set specification: spec/isa.toml -> build/generated/sf_isa.h (C++, used by
# model/compiler.cpp in sfmodel) and sf_isa.vh (Verilog), at configure time like the numeric policy
# (sim/CMakeLists.txt) and the host protocol (sim/host/CMakeLists.txt); re-run when either file changes.
find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)  # tomllib
set(SF_ISA_SPEC ${CMAKE_SOURCE_DIR}/spec/isa.toml)
set(SF_ISA_GEN ${CMAKE_SOURCE_DIR}/scripts/gen_isa.py)
execute_process(COMMAND ${Python3_EXECUTABLE} ${SF_ISA_GEN} --spec ${SF_ISA_SPEC} --out ${CMAKE_BINARY_DIR}/generated
                RESULT_VARIABLE SF_ISA_GEN_RC)
if(NOT SF_ISA_GEN_RC EQUAL 0)
  message(FATAL_ERROR "scripts/gen_isa.py failed (${SF_ISA_GEN_RC}) on spec/isa.toml")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${SF_ISA_SPEC} ${SF_ISA_GEN})
