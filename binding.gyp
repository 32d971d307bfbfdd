{
  "targets": [
    {
      "target_name": "collie_native",
      "sources": ["native/core/hash.cc", "native/binding/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fvisibility=hidden"]
    }
  ]
}
