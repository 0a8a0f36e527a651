// expect: write `param_tensor<float>`
// Float params with double grads: lrs::param_tensor deduces its scalar type from the params and
// refuses grads of another type with one static_assert, not a list of candidate constructors.
#include <lrs/optim.hpp>

int main() {
  Eigen::VectorXf w = Eigen::VectorXf::Zero(3);
  Eigen::VectorXd g = Eigen::VectorXd::Ones(3);
  const auto t = lrs::param_tensor(w, g);
  return static_cast<int>(t.size());
}
