{
  "targets": [
    {
      "target_name": "strata_native",
      "sources": [
        "src/main/engine/native/addon.c",
        "src/main/engine/native/walk.c",
        "src/main/engine/native/lxcpath_read.c",
        "src/main/engine/native/plain_config.c",
        "src/main/engine/native/btrfs_info.c",
        "src/main/engine/native/diff.c",
        "src/main/engine/native/beneath.c",
        "src/main/engine/native/watch.c",
        "src/main/engine/native/warm.c"
      ],
      "defines": [
        "_GNU_SOURCE",
        "NAPI_VERSION=8"
      ],
      "cflags": [
        "-O2",
        "-std=gnu11",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter",
        "-pthread",
        "-D_FORTIFY_SOURCE=2",
        "-fstack-protector-strong",
        "-fstack-clash-protection",
        "-fcf-protection"
      ],
      "ldflags": [
        "-pthread",
        "-Wl,-z,relro",
        "-Wl,-z,now"
      ]
    },
    {
      "target_name": "strata",
      "type": "executable",
      "sources": [
        "src/main/engine/native/warm_client.c"
      ],
      "cflags": [
        "-O2",
        "-std=gnu11",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter",
        "-pthread",
        "-D_FORTIFY_SOURCE=2",
        "-fstack-protector-strong",
        "-fstack-clash-protection",
        "-fcf-protection"
      ],
      "ldflags": [
        "-Wl,-z,relro",
        "-Wl,-z,now",
        "-pie"
      ],
      "cflags!": []
    }
  ]
}
