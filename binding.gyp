{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-O3", "-fvisibility=hidden"]
  },
  "targets": [
    {
      "target_name": "collie_native",
      "sources": [
        "native/core/hash.cc",
        "native/core/prefix_index.cc",
        "native/binding/prefix_index_wrap.cc",
        "native/binding/prefix_index_route.cc",
        "native/binding/addon.cc",
        "<!@(node scripts/native-sources.js tokenizer)",
        "<!@(node scripts/native-sources.js tokenizer-binding)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL"]
    },
    {
      "target_name": "prefix_index_test",
      "type": "executable",
      "sources": [
        "native/core/hash.cc",
        "native/core/prefix_index.cc",
        "native/test/prefix_index_test.cc"
      ]
    },
    {
      "target_name": "tokenizer_test",
      "type": "executable",
      "sources": [
        "<!@(node scripts/native-sources.js tokenizer)",
        "<!@(node scripts/native-sources.js tokenizer-test)"
      ]
    }
  ]
}
