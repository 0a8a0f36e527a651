// SPDX-License-Identifier: MIT
// libFuzzer target: load_state of every stateful lrs object. Input: one selector byte, then the
// state bytes. The selector picks the object (sgd, adam, adamw in float and double, amsgrad,
// reduce_lr_on_plateau, autolrs, grad_norm_recorder; each built with the hyper-parameters of the
// seed states in corpus/state) and, with its high bit set, repairs the state's length field and
// CRC-32 first, so that the fuzzer gets past the integrity checks into the fields.
//
// A load must either succeed or throw lrs::state_error (an lrs::invalid_argument) and leave the
// object exactly as it was. After a successful load, the object's own state() must load again
// (round trip), and the object must keep working: optimizers step, controllers observe.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "state_objects.hpp"

namespace {

using bytes_t = std::vector<unsigned char>;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_state: %s\n", what);
  std::abort();
}

// CRC-32 (IEEE, reflected), as the state format's trailer.
std::uint32_t crc32(const unsigned char* p, std::size_t n) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

// Writes the true total length (bytes 8..15) and CRC-32 (last 4 bytes), little-endian.
void repair(bytes_t& b) {
  if (b.size() < 20) return;
  const std::uint64_t n = b.size();
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<unsigned char>(n >> (8 * i));
  const std::uint32_t c = crc32(b.data(), b.size() - 4);
  for (int i = 0; i < 4; ++i) b[b.size() - 4 + i] = static_cast<unsigned char>(c >> (8 * i));
}

// load_state is all or nothing; a loaded state round-trips.
template <class Obj, class Make>
bool load(Obj& obj, const bytes_t& bytes, const Make& make) {
  const bytes_t before = obj.state();
  try {
    obj.load_state(bytes);
  } catch (const lrs::state_error&) {
    if (obj.state() != before) finding("a failed load changed the object");
    return false;
  }
  const bytes_t saved = obj.state();
  Obj again = make();
  try {
    again.load_state(saved);
  } catch (const lrs::state_error&) {
    finding("the state() of a loaded object does not load");
  }
  if (again.state() != saved) finding("state() -> load_state -> state() differs");
  return true;
}

template <class Opt>
void step_after_load(Opt& opt) {
  using T = typename Opt::scalar_type;
  std::vector<lrs::vector_t<T>> p, g;
  std::vector<lrs::param_tensor<T>> ts;
  const std::size_t n = opt.tensor_count() < 4 ? opt.tensor_count() : 4;
  for (std::size_t i = 0; i < n; ++i) {
    const auto size = opt.buffer(i, 0).size();
    if (size > 4096) return;
    p.push_back(lrs::vector_t<T>::Constant(size, T(0.5)));
    g.push_back(lrs::vector_t<T>::Constant(size, T(0.25)));
  }
  for (std::size_t i = 0; i < n; ++i) ts.emplace_back(p[i].data(), g[i].data(), p[i].size(), 0);
  for (int k = 0; k < 2; ++k) {
    try {
      (void)opt.step(ts, T(0.01));
    } catch (const lrs::invalid_argument&) {
      return;  // e.g. a size the loaded state does not match, or the last step of 2^63 - 1
    }
  }
}

template <class Make>
void optimizer(const bytes_t& bytes, const Make& make) {
  auto opt = make();
  if (load(opt, bytes, make)) step_after_load(opt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned selector = data[0];
  bytes_t bytes(data + 1, data + size);
  if (selector & 0x80u) repair(bytes);
  switch (selector % fuzz::kinds) {
    case fuzz::sgd_f64:
      optimizer(bytes, fuzz::make_sgd_f64);
      break;
    case fuzz::sgd_f32_nesterov:
      optimizer(bytes, fuzz::make_sgd_f32);
      break;
    case fuzz::adam_f64:
      optimizer(bytes, fuzz::make_adam_f64);
      break;
    case fuzz::adam_f32_amsgrad:
      optimizer(bytes, fuzz::make_adam_f32);
      break;
    case fuzz::adamw_f64:
      optimizer(bytes, fuzz::make_adamw_f64);
      break;
    case fuzz::plateau_f32: {
      auto p = fuzz::make_plateau<float>();
      if (load(p, bytes, fuzz::make_plateau<float>)) {
        for (const float m : {1.0f, 0.5f, 0.5f, 0.5f, 0.5f}) {
          try {
            p.observe(m);
          } catch (const lrs::invalid_argument&) {
            break;  // 2^63 - 1 epochs observed
          }
          for (const float lr : p.lrs())
            if (!std::isfinite(lr) || lr < 0) finding("plateau LR not finite after observe");
        }
      }
      break;
    }
    case fuzz::plateau_f64: {
      auto p = fuzz::make_plateau<double>();
      if (load(p, bytes, fuzz::make_plateau<double>)) {
        try {
          p.observe(1.0);
        } catch (const lrs::invalid_argument&) {
        }
      }
      break;
    }
    case fuzz::autolrs_load:
    case fuzz::autolrs_step: {
      auto a = fuzz::make_autolrs();
      if (load(a, bytes, fuzz::make_autolrs) && selector % fuzz::kinds == fuzz::autolrs_step) {
        fuzz::quadratic_trainer tr;
        try {
          a.step(tr);
        } catch (const std::exception&) {
          // The trainer returns at most 1e5 losses per call (a loaded tau may be larger): what
          // autolrs says to a short trainer is not what this target tests.
        }
      }
      break;
    }
    default: {
      auto r = fuzz::make_grad_norms();
      if (load(r, bytes, fuzz::make_grad_norms)) r.record(1.0);
      break;
    }
  }
  return 0;
}
