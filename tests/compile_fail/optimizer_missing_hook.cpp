// expect: lacks the hook `void update_range
// An optimizer on the step skeleton without update_range: one static_assert naming the hook, not
// a page of errors from inside the skeleton.
#include <lrs/optim/optimizer_base.hpp>

namespace {
struct no_update_options {
  double weight_decay = 0, max_grad_norm = 0;
};
class no_update : public lrs::detail::optimizer_base<no_update, double, 1> {
  using base = lrs::detail::optimizer_base<no_update, double, 1>;
  friend base;

 public:
  static constexpr const char* type_name = "no_update";
  const no_update_options& options() const noexcept { return opt_; }

 private:
  int buffers_for_first_step() const noexcept { return 1; }
  void prepare(std::size_t, const lrs::param_tensor<double>&, state_type&, double, double, double) {
  }
  template <class Sink>
  void visit_hyper(Sink&) const {}
  no_update_options opt_;
};
}  // namespace

int main() {
  no_update opt;
  return static_cast<int>(opt.group_count());
}
