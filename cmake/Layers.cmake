# Core's layers, lowest first (docs/architecture.md). A layer may include and link only the
# layers before it. core/CMakeLists.txt builds one library per layer from this list, each
# linked to the one below; cmake/CheckLayers.cmake refuses an include that points up it.
set(AGORA_LAYERS
    util db cache tenancy migrate settings mail accounts content notifications render services http
    plugins network seed web app cli)
