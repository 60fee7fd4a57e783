# Small helpers shared by every CMakeLists in the tree.

# tanvrit_library(NAME SOURCES... LINK... PRIVATE_LINK...): one library per concern. Its own folder
# is its only public include directory, so including a header of a library it does not link (an arrow
# pointing the wrong way) fails to compile. LINK is for what the library's own headers include (its
# users see those headers too); PRIVATE_LINK for what only its sources use, so a layer above that
# skips it (http including a store header without linking store) fails to compile.
function(tanvrit_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK;PRIVATE_LINK;PCH" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_LINK} PRIVATE ${ARG_PRIVATE_LINK})
  if(ARG_PCH)
    target_precompile_headers(${name} PRIVATE ${ARG_PCH})
  endif()
endfunction()

# tanvrit_test(NAME SOURCE LABEL LINK...): one Qt Test class per executable, registered with CTest.
function(tanvrit_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LINK" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LINK})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;TANVRIT_BIN=$<TARGET_FILE:tanvrit-compute>")
endfunction()
