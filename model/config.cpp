#include "config.h"

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <toml++/toml.h>

#include "common.h"

namespace sf {
namespace {

// One table of every field: section, key, and how to read/write it. Adding a field is one line.
struct Field {
  const char* section;
  const char* key;
  std::function<void(const toml::node&, Config&, const std::string&)> read;
  std::function<void(toml::table&, const Config&)> write;
};

std::string where(const std::string& origin, const char* sec, const char* key) {
  return fmt::format("{}: {}.{}", origin, sec, key);
}

template <typename Get>
Field make_int(const char* sec, const char* key, Get get, int64_t lo, int64_t hi) {
  return Field{sec, key,
               [=](const toml::node& n, Config& c, const std::string& origin) {
                 // is_integer() first: value<int64_t>() converts a float node, with undefined behaviour when it
                 // is out of int64's range (9e77; found by fuzzing --set)
                 if (!n.is_integer()) throw Error(where(origin, sec, key) + ": expected an integer");
                 auto v = n.value<int64_t>();
                 if (!v) throw Error(where(origin, sec, key) + ": expected an integer");
                 if (*v < lo || *v > hi)
                   throw Error(fmt::format("{}: {} is out of range [{}, {}]", where(origin, sec, key), *v, lo, hi));
                 get(c) = static_cast<std::remove_reference_t<decltype(get(c))>>(*v);
               },
               [=](toml::table& t, const Config& c) {
                 t.at_path(sec).as_table()->insert_or_assign(key, static_cast<int64_t>(get(const_cast<Config&>(c))));
               }};
}

template <typename Get>
Field make_float(const char* sec, const char* key, Get get, double lo, double hi) {
  return Field{sec, key,
               [=](const toml::node& n, Config& c, const std::string& origin) {
                 auto v = n.value<double>();  // integers convert too
                 if (!(n.is_floating_point() || n.is_integer()) || !v)
                   throw Error(where(origin, sec, key) + ": expected a number");
                 if (!(*v >= lo && *v <= hi))
                   throw Error(fmt::format("{}: {} is out of range [{}, {}]", where(origin, sec, key), *v, lo, hi));
                 get(c) = static_cast<std::remove_reference_t<decltype(get(c))>>(*v);
               },
               [=](toml::table& t, const Config& c) {
                 t.at_path(sec).as_table()->insert_or_assign(key, static_cast<double>(get(const_cast<Config&>(c))));
               }};
}

template <typename Get>
Field make_string(const char* sec, const char* key, Get get) {
  return Field{sec, key,
               [=](const toml::node& n, Config& c, const std::string& origin) {
                 auto v = n.value<std::string>();
                 if (!n.is_string() || !v || v->empty())
                   throw Error(where(origin, sec, key) + ": expected a non-empty string");
                 get(c) = *v;
               },
               [=](toml::table& t, const Config& c) {
                 t.at_path(sec).as_table()->insert_or_assign(key, get(const_cast<Config&>(c)));
               }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> f = {
      make_string("data", "path", [](Config& c) -> std::string& { return c.data.path; }),
      make_string("data", "target", [](Config& c) -> std::string& { return c.data.target; }),
      make_int("data", "seq_len", [](Config& c) -> int& { return c.data.seq_len; }, 1, 4096),
      make_int("data", "pred_len", [](Config& c) -> int& { return c.data.pred_len; }, 1, 4096),
      make_int("model", "d_model", [](Config& c) -> int& { return c.model.d_model; }, 1, 1024),
      make_int("model", "n_heads", [](Config& c) -> int& { return c.model.n_heads; }, 1, 64),
      make_int("model", "d_ff", [](Config& c) -> int& { return c.model.d_ff; }, 1, 8192),
      make_int("model", "enc_layers", [](Config& c) -> int& { return c.model.enc_layers; }, 1, 32),
      make_int("model", "dec_layers", [](Config& c) -> int& { return c.model.dec_layers; }, 1, 32),
      make_int("model", "label_len", [](Config& c) -> int& { return c.model.label_len; }, 0, 4096),
      make_float("model", "dropout", [](Config& c) -> float& { return c.model.dropout; }, 0.0, 0.9),
      make_int("train", "epochs", [](Config& c) -> int& { return c.train.epochs; }, 0, 100000),
      make_int("train", "batch_size", [](Config& c) -> int& { return c.train.batch_size; }, 1, 65536),
      make_float("train", "lr", [](Config& c) -> double& { return c.train.lr; }, 1e-7, 1.0),
      make_float("train", "min_lr_frac", [](Config& c) -> double& { return c.train.min_lr_frac; }, 0.0, 1.0),
      make_float("train", "warmup_epochs", [](Config& c) -> double& { return c.train.warmup_epochs; }, 0.0, 1000.0),
      make_float("train", "clip", [](Config& c) -> double& { return c.train.clip; }, 0.0, 1e6),
      make_float("train", "weight_decay", [](Config& c) -> double& { return c.train.weight_decay; }, 0.0, 1.0),
      make_int("train", "patience", [](Config& c) -> int& { return c.train.patience; }, 1, 100000),
      make_int("train", "seed", [](Config& c) -> int64_t& { return c.train.seed; }, 0, INT64_MAX),
      make_int("train", "threads", [](Config& c) -> int& { return c.train.threads; }, 0, 1024),
      make_int("train", "max_train_windows", [](Config& c) -> int64_t& { return c.train.max_train_windows; }, 0,
               INT64_MAX),
  };
  return f;
}

const Field* find_field(const std::string& sec, const std::string& key) {
  for (const Field& f : fields())
    if (sec == f.section && key == f.key) return &f;
  return nullptr;
}

void read_table(const toml::table& t, Config& c, const std::string& origin) {
  for (auto&& [sec, node] : t) {
    const std::string s(sec.str());
    if (s == "name") {
      if (auto v = node.value<std::string>()) c.name = *v;
      else throw Error(origin + ": name: expected a string");
      continue;
    }
    const toml::table* st = node.as_table();
    if (!st) throw Error(fmt::format("{}: '{}' is not a section ([data], [model], [train])", origin, s));
    for (auto&& [key, value] : *st) {
      const std::string k(key.str());
      const Field* f = find_field(s, k);
      if (!f) throw Error(fmt::format("{}: unknown key {}.{}", origin, s, k));
      f->read(value, c, origin);
    }
  }
}

}  // namespace

void validate(const Config& c, const std::string& origin) {
  if (c.model.d_model % c.model.n_heads != 0)
    throw Error(fmt::format("{}: model.d_model ({}) must be divisible by model.n_heads ({})", origin,
                            c.model.d_model, c.model.n_heads));
  if (c.model.label_len > c.data.seq_len)
    throw Error(fmt::format("{}: model.label_len ({}) must not exceed data.seq_len ({})", origin,
                            c.model.label_len, c.data.seq_len));
}

Config parse_config(const std::string& text, const std::string& origin) {
  toml::table t;
  try {
    t = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    // the description may quote the offending character, a newline too: keep the message on one line
    throw Error(fmt::format("{}:{}:{}: {}", origin, e.source().begin.line, e.source().begin.column,
                            printable(std::string(e.description()))));
  }
  Config c;
  try {
    read_table(t, c, origin);  // quotes keys, which TOML lets hold any character
    validate(c, origin);
  } catch (const Error& e) {
    throw Error(printable(e.what()));
  }
  return c;
}

Config load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open config file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  Config c = parse_config(ss.str(), path);
  if (c.name == "default") {
    const size_t slash = path.find_last_of('/');
    std::string stem = path.substr(slash == std::string::npos ? 0 : slash + 1);
    c.name = stem.substr(0, stem.find('.'));
  }
  return c;
}

void apply_overrides(Config& c, const std::vector<std::string>& overrides) {
  for (const std::string& o : overrides) {
    const size_t eq = o.find('=');
    const size_t dot = o.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq)
      throw Error(fmt::format("--set '{}': expected section.key=value", o));
    const std::string sec = o.substr(0, dot), key = o.substr(dot + 1, eq - dot - 1), val = o.substr(eq + 1);
    const Field* f = find_field(sec, key);
    if (!f) throw Error(fmt::format("--set '{}': unknown key {}.{}", o, sec, key));
    toml::table t;
    try {
      t = toml::parse("v = " + val);
    } catch (const toml::parse_error&) {
      t = toml::table{{"v", val}};  // a bare string such as data.target=HUFL
    }
    f->read(*t.get("v"), c, "--set");
  }
  validate(c, "--set");
}

std::string to_toml(const Config& c) {
  toml::table t{{"name", c.name}, {"data", toml::table{}}, {"model", toml::table{}}, {"train", toml::table{}}};
  for (const Field& f : fields()) f.write(t, c);
  std::stringstream ss;
  ss << t << "\n";
  return ss.str();
}

}  // namespace sf
