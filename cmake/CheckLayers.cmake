# Refuses an include that points up the layer order (docs/architecture.md): a file in layer N
# may include headers of layers 0..N only. Run as a script so the build (and a test) can call
# it:  cmake -DSRC=<core/src> [-DSTAMP=<file>] -P CheckLayers.cmake
# Lower layers first. A directory under SRC that is not listed here is an error too, so a new
# subsystem has to be given its place.
set(AGORA_LAYERS
    util db cache tenancy migrate settings accounts content notifications render services http
    plugins network seed web app cli)

if(NOT SRC)
  message(FATAL_ERROR "CheckLayers: pass -DSRC=<source directory>")
endif()

get_filename_component(SRC ${SRC} ABSOLUTE)
file(GLOB dirs RELATIVE ${SRC} ${SRC}/*)
set(problems "")
foreach(dir IN LISTS dirs)
  if(NOT IS_DIRECTORY ${SRC}/${dir})
    continue()
  endif()
  list(FIND AGORA_LAYERS ${dir} own)
  if(own EQUAL -1)
    string(APPEND problems "  ${dir}/ is not a layer: add it to AGORA_LAYERS in its place\n")
    continue()
  endif()
  file(GLOB_RECURSE files RELATIVE ${SRC} ${SRC}/${dir}/*.h ${SRC}/${dir}/*.cpp)
  foreach(file IN LISTS files)
    file(STRINGS ${SRC}/${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[^\"]*\"(([a-z]+)/[^\"]*)\".*$" "\\1;\\2" parts "${line}")
      list(GET parts 0 header)
      list(GET parts 1 layer)
      list(FIND AGORA_LAYERS ${layer} theirs)
      if(theirs GREATER own)
        string(APPEND problems "  ${file} includes ${header}: ${dir} sits below ${layer}\n")
      endif()
    endforeach()
  endforeach()
endforeach()

if(problems)
  list(JOIN AGORA_LAYERS " → " order)
  message(FATAL_ERROR "upward includes (layers, lowest first: ${order}):\n${problems}")
endif()
if(STAMP)
  file(TOUCH ${STAMP})
endif()
