// SPDX-License-Identifier: MIT
// FITPACK's smoothing spline (curfit/fpcurf), as scipy.interpolate.UnivariateSpline computes it.
#ifndef LRS_ANALYSIS_SMOOTHING_SPLINE_HPP
#define LRS_ANALYSIS_SMOOTHING_SPLINE_HPP

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include <lrs/core/error.hpp>

namespace lrs {

/// How a smoothing spline ended, FITPACK's `ier`.
enum class spline_status {
  smoothed = 0,        ///< residual sum of squares fp equals s to within 0.001 s
  interpolating = -1,  ///< s was too small: the spline interpolates the data (fp = 0)
  polynomial = -2,  ///< s >= residual of the least-squares polynomial of degree k: that polynomial
  knots_exhausted = 1,  ///< no more knots could be added (cannot happen with SciPy's storage rules)
  iteration_limit = 3,  ///< the search for the smoothing parameter stopped after 20 iterations
  not_monotone = 2,  ///< the search for the smoothing parameter broke down (fp not decreasing in p)
};

/// A spline of degree k in B-spline form: knots t_0..t_{n-1}, coefficients c_0..c_{n-k-2}.
/// Outside [t_k, t_{n-k-1}] it is extrapolated with the polynomial of the end interval (SciPy's
/// `ext=0`).
class bspline {
 public:
  bspline() = default;
  /// @throws lrs::invalid_argument unless 1 <= degree <= 5, knots.size() >= 2 degree + 2,
  ///         knots non-decreasing and coefficients.size() >= knots.size() - degree - 1.
  bspline(std::vector<double> knots, std::vector<double> coefficients, int degree)
      : t_(std::move(knots)), c_(std::move(coefficients)), k_(degree) {
    const char* f = "bspline";
    detail::require(k_ >= 1 && k_ <= 5, f, "degree", "in [1, 5]", k_);
    const auto nmin = static_cast<std::size_t>(2 * k_ + 2);
    detail::require(t_.size() >= nmin, f, "knots.size()", ">= 2 degree + 2", t_.size());
    detail::require(std::is_sorted(t_.begin(), t_.end()), f, "knots", "non-decreasing",
                    "an unsorted sequence");
    detail::require(c_.size() + static_cast<std::size_t>(k_) + 1 >= t_.size(), f,
                    "coefficients.size()", ">= knots.size() - degree - 1", c_.size());
  }

  /// FITPACK's knot vector t (non-decreasing, at least 2 degree + 2 knots).
  [[nodiscard]] const std::vector<double>& knots() const noexcept { return t_; }
  /// FITPACK's B-spline coefficients c (at least knots().size() - degree() - 1 of them; the rest
  /// are unused, as in SciPy's tck).
  [[nodiscard]] const std::vector<double>& coefficients() const noexcept { return c_; }
  /// FITPACK's k, the polynomial degree of each piece (1..5; 0 for a default-constructed spline).
  [[nodiscard]] int degree() const noexcept { return k_; }

  /// The spline at x (FITPACK's splev with e = 0); NaN for a default-constructed spline.
  [[nodiscard]] double operator()(double x) const noexcept {
    if (t_.empty()) return std::numeric_limits<double>::quiet_NaN();
    const int n = static_cast<int>(t_.size()), k1 = k_ + 1, nk1 = n - k1;
    auto t = [&](int i) { return t_[static_cast<std::size_t>(i - 1)]; };
    // Knot interval t(l) <= x < t(l+1), l in [k1, nk1] (1-based, as splev).
    int l = k1;
    while (l < nk1 && !(x < t(l + 1))) ++l;
    std::array<double, 8> h{};
    basis(t_, k_, x, l, h);
    double sp = 0.0;
    int ll = l - k1;
    for (int j = 1; j <= k1; ++j) {
      ++ll;
      sp += c_[static_cast<std::size_t>(ll - 1)] * h[static_cast<std::size_t>(j)];
    }
    return sp;
  }

  /// The spline at every point of xs.
  [[nodiscard]] std::vector<double> operator()(const std::vector<double>& xs) const {
    std::vector<double> out(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) out[i] = (*this)(xs[i]);
    return out;
  }

  /// @cond LRS_IMPLEMENTATION
  // The k+1 B-splines that are non-zero on t(l) <= x < t(l+1), de Boor-Cox recurrence (FITPACK's
  // fpbspl, with SciPy's zero weight at coincident knots); 1-based: h[1..k+1].
  static void basis(const std::vector<double>& tv, int k, double x, int l,
                    std::array<double, 8>& h) noexcept {
    auto t = [&](int i) { return tv[static_cast<std::size_t>(i - 1)]; };
    std::array<double, 8> hh{};
    h[1] = 1.0;
    for (int j = 1; j <= k; ++j) {
      for (int i = 1; i <= j; ++i) hh[static_cast<std::size_t>(i)] = h[static_cast<std::size_t>(i)];
      h[1] = 0.0;
      for (int i = 1; i <= j; ++i) {
        const int li = l + i, lj = li - j;
        const auto ui = static_cast<std::size_t>(i);
        if (t(li) == t(lj)) {
          h[ui + 1] = 0.0;
          continue;
        }
        const double f = hh[ui] / (t(li) - t(lj));
        h[ui] += f * (t(li) - x);
        h[ui + 1] = f * (x - t(lj));
      }
    }
  }

  /// @endcond
 private:
  std::vector<double> t_, c_;
  int k_ = 0;
};

/// Options of fit_smoothing_spline.
struct smoothing_spline_options {
  int degree = 3;  ///< k, 1..5 (SciPy's default 3; AutoLRS uses 2)
  /// s >= 0; unset means the number of points (SciPy's default for UnivariateSpline).
  std::optional<double> smoothing;

  // Chainable setters, one per field, for building the options in one expression in C++17
  // (e.g. `auto o = smoothing_spline_options{}.with_degree(...)`); they do not validate, the
  // function taking the options does.
  /// Sets `degree` (see the field); returns *this for chaining.
  constexpr smoothing_spline_options& with_degree(int v) noexcept {
    degree = v;
    return *this;
  }
  /// Sets `smoothing` (see the field); returns *this for chaining.
  constexpr smoothing_spline_options& with_smoothing(std::optional<double> v) noexcept {
    smoothing = v;
    return *this;
  }
};

/// A fitted smoothing spline with FITPACK's diagnostics.
struct smoothing_spline : bspline {
  double residual = 0;  ///< fp = sum (y_i - s(x_i))^2
  /// FITPACK's ier: how the fit ended (smoothed when fp is within 0.001 s of s).
  spline_status status = spline_status::smoothed;
};

namespace detail {

// Storage and state of one fpcurf call (FITPACK's arrays, 1-based through the accessors).
struct fpcurf_state {
  int n = 0;
  std::vector<double> t, c, fpint;
  std::vector<int> nrdata;
  double fp = 0;
  int ier = 0;
};

// Givens rotation that zeroes piv against ww (fpgivs); ww becomes the new diagonal.
inline void fpgivs(double piv, double& ww, double& cs, double& sn) noexcept {
  const double store = std::abs(piv);
  double dd = 0;
  if (store >= ww) dd = store * std::sqrt(1.0 + (ww / piv) * (ww / piv));
  if (store < ww) dd = ww * std::sqrt(1.0 + (piv / ww) * (piv / ww));
  cs = ww / dd;
  sn = piv / dd;
  ww = dd;
}

// Applies a Givens rotation to (a, b) (fprota).
inline void fprota(double cs, double sn, double& a, double& b) noexcept {
  const double stor1 = a, stor2 = b;
  b = cs * stor2 + sn * stor1;
  a = cs * stor1 - sn * stor2;
}

// Solves a*c = z, a upper triangular n x n of bandwidth k stored by rows (fpback); z may alias c.
template <class Band>
void fpback(const Band& a, const std::vector<double>& z, int n, int k, std::vector<double>& c) {
  auto A = [&](int i, int j) { return a(i - 1, j - 1); };
  auto Z = [&](int i) { return z[static_cast<std::size_t>(i - 1)]; };
  auto C = [&](int i) -> double& { return c[static_cast<std::size_t>(i - 1)]; };
  const int k1 = k - 1;
  C(n) = Z(n) / A(n, 1);
  int i = n - 1;
  if (i == 0) return;
  for (int j = 2; j <= n; ++j) {
    double store = Z(i);
    int i1 = k1;
    if (j <= k1) i1 = j - 1;
    int m = i;
    for (int l = 1; l <= i1; ++l) {
      ++m;
      store -= C(m) * A(i, l + 1);
    }
    C(i) = store / A(i, 1);
    --i;
  }
}

// Jumps of the k-th derivative of the B-splines at the interior knots (fpdisc).
inline void fpdisc(const std::vector<double>& tv, int n, int k2, Eigen::MatrixXd& b) {
  auto t = [&](int i) { return tv[static_cast<std::size_t>(i - 1)]; };
  const int k1 = k2 - 1, k = k1 - 1, nk1 = n - k1, nrint = nk1 - k;
  const double fac = static_cast<double>(nrint) / (t(nk1 + 1) - t(k1));
  std::array<double, 13> h{};
  for (int l = k2; l <= nk1; ++l) {
    const int lmk = l - k1;
    for (int j = 1; j <= k1; ++j) {
      const int ik = j + k1, lj = l + j, lk = lj - k2;
      h[static_cast<std::size_t>(j)] = t(l) - t(lk);
      h[static_cast<std::size_t>(ik)] = t(l) - t(lj);
    }
    int lp = lmk;
    for (int j = 1; j <= k2; ++j) {
      int jk = j;
      double prod = h[static_cast<std::size_t>(j)];
      for (int i = 1; i <= k; ++i) {
        ++jk;
        prod = prod * h[static_cast<std::size_t>(jk)] * fac;
      }
      const int lk = lp + k1;
      b(lmk - 1, j - 1) = (t(lk) - t(lp)) / prod;
      ++lp;
    }
  }
}

// Adds one knot in the interval with the largest residual sum that holds data (fpknot).
inline void fpknot(const std::vector<double>& xv, std::vector<double>& tv, int& n,
                   std::vector<double>& fpintv, std::vector<int>& nrdatav, int& nrint, int istart) {
  auto x = [&](int i) { return xv[static_cast<std::size_t>(i - 1)]; };
  auto t = [&](int i) -> double& { return tv[static_cast<std::size_t>(i - 1)]; };
  auto fpint = [&](int i) -> double& { return fpintv[static_cast<std::size_t>(i - 1)]; };
  auto nrdata = [&](int i) -> int& { return nrdatav[static_cast<std::size_t>(i - 1)]; };
  const int k = (n - nrint - 1) / 2;
  double fpmax = 0.0;
  int jbegin = istart, number = 0, maxpt = 0, maxbeg = 0;
  for (int j = 1; j <= nrint; ++j) {
    const int jpoint = nrdata(j);
    if (!(fpmax >= fpint(j) || jpoint == 0)) {
      fpmax = fpint(j);
      number = j;
      maxpt = jpoint;
      maxbeg = jbegin;
    }
    jbegin = jbegin + jpoint + 1;
  }
  const int ihalf = maxpt / 2 + 1, nrx = maxbeg + ihalf, next = number + 1;
  if (next <= nrint) {
    for (int j = next; j <= nrint; ++j) {
      const int jj = next + nrint - j;
      fpint(jj + 1) = fpint(jj);
      nrdata(jj + 1) = nrdata(jj);
      const int jk = jj + k;
      t(jk + 1) = t(jk);
    }
  }
  nrdata(number) = ihalf - 1;
  nrdata(next) = maxpt - ihalf;
  const double am = maxpt;
  fpint(number) = fpmax * static_cast<double>(nrdata(number)) / am;
  fpint(next) = fpmax * static_cast<double>(nrdata(next)) / am;
  t(next + k) = x(nrx);
  ++n;
  ++nrint;
}

// Root of the rational r(p) = (u p + v) / (p + w) through three points, and the bracket update
// (fprati).
inline double fprati(double& p1, double& f1, double p2, double f2, double& p3,
                     double& f3) noexcept {
  double p = 0;
  if (p3 > 0.0) {
    const double h1 = f1 * (f2 - f3), h2 = f2 * (f3 - f1), h3 = f3 * (f1 - f2);
    p = -(p1 * p2 * h3 + p2 * p3 * h1 + p3 * p1 * h2) / (p1 * h1 + p2 * h2 + p3 * h3);
  } else {
    p = (p1 * (f1 - f3) * f2 - p2 * (f2 - f3) * f1) / ((f1 - f2) * f3);
  }
  if (f2 < 0.0) {
    p3 = p2;
    f3 = f2;
  } else {
    p1 = p2;
    f1 = f2;
  }
  return p;
}

// FITPACK's fpcurf with unit weights: the smoothing spline of degree k with smoothing factor s on
// [xb, xe] = [x_1, x_m], relative tolerance tol, at most maxit iterations for p, at most nest
// knots. iopt = 0 starts from the polynomial; iopt = 1 continues from the knots in `st` (used
// when the knot storage is enlarged, as SciPy's UnivariateSpline does). A line-by-line port: the
// Givens QR of the banded observation matrix, knot insertion by fpknot, and the rational
// interpolation for p; the comments name FITPACK's labels.
inline void fpcurf(int iopt, const std::vector<double>& xv, const std::vector<double>& yv, int k,
                   double s, int nest, double tol, int maxit, fpcurf_state& st) {
  const int m = static_cast<int>(xv.size()), k1 = k + 1, k2 = k + 2;
  const double xb = xv.front(), xe = xv.back();
  st.t.resize(static_cast<std::size_t>(nest), 0.0);
  st.c.resize(static_cast<std::size_t>(nest), 0.0);
  st.fpint.resize(static_cast<std::size_t>(nest), 0.0);
  st.nrdata.resize(static_cast<std::size_t>(nest), 0);
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(nest, k1), b = Eigen::MatrixXd::Zero(nest, k2),
                  g = Eigen::MatrixXd::Zero(nest, k2), q = Eigen::MatrixXd::Zero(m, k1);
  std::vector<double> z(static_cast<std::size_t>(nest), 0.0);
  auto x = [&](int i) { return xv[static_cast<std::size_t>(i - 1)]; };
  auto y = [&](int i) { return yv[static_cast<std::size_t>(i - 1)]; };
  auto t = [&](int i) -> double& { return st.t[static_cast<std::size_t>(i - 1)]; };
  auto c = [&](int i) -> double& { return st.c[static_cast<std::size_t>(i - 1)]; };
  auto fpint = [&](int i) -> double& { return st.fpint[static_cast<std::size_t>(i - 1)]; };
  auto nrdata = [&](int i) -> int& { return st.nrdata[static_cast<std::size_t>(i - 1)]; };
  auto A = [&](int i, int j) -> double& { return a(i - 1, j - 1); };
  auto G = [&](int i, int j) -> double& { return g(i - 1, j - 1); };
  auto Z = [&](int i) -> double& { return z[static_cast<std::size_t>(i - 1)]; };
  int& n = st.n;
  double& fp = st.fp;
  int& ier = st.ier;
  std::array<double, 8> h{};

  const int nmin = 2 * k1;
  double acc = 0, fp0 = 0, fpold = 0, fpms = 0;
  int nmax = 0, nplus = 0;
  // Interior knots of the interpolating spline (label 10).
  auto interpolation_knots = [&] {
    const int mk1 = m - k1;
    if (mk1 == 0) return;
    const int k3 = k / 2;
    int i = k2, j = k3 + 2;
    for (int l = 1; l <= mk1; ++l, ++i, ++j) t(i) = (k3 * 2 == k) ? (x(j) + x(j - 1)) * 0.5 : x(j);
  };
  if (iopt >= 0) {
    acc = tol * s;
    nmax = m + k1;
    if (!(s > 0.0)) {
      n = nmax;
      if (nmax > nest) {
        ier = 1;
        return;
      }
      interpolation_knots();
    } else {
      bool from_polynomial = iopt == 0 || n == nmin;  // label 45
      if (!from_polynomial) {
        fp0 = fpint(n);
        fpold = fpint(n - 1);
        nplus = nrdata(n);
        if (!(fp0 > s)) from_polynomial = true;
      }
      if (from_polynomial) {  // label 50
        n = nmin;
        fpold = 0.0;
        nplus = 0;
        nrdata(1) = m - 2;
      }
    }
  }

  // Part 1: knots (label 60). The loop restarts when n reaches nmax (interpolation knots).
  int nk1 = 0;
  for (bool restart = true; restart;) {
    restart = false;
    for (int iter = 1; iter <= m; ++iter) {
      if (n == nmin) ier = -2;
      int nrint = n - nmin + 1;
      nk1 = n - k1;
      for (int j = 1, i = n; j <= k1; ++j, --i) {
        t(j) = xb;
        t(i) = xe;
      }
      // Least-squares spline: rows rotated into the band by Givens transformations.
      fp = 0.0;
      for (int i = 1; i <= nk1; ++i) {
        Z(i) = 0.0;
        for (int j = 1; j <= k1; ++j) A(i, j) = 0.0;
      }
      int l = k1;
      for (int it = 1; it <= m; ++it) {
        const double xi = x(it);
        double yi = y(it);
        while (!(xi < t(l + 1) || l == nk1)) ++l;  // label 85
        bspline::basis(st.t, k, xi, l, h);
        for (int i = 1; i <= k1; ++i) q(it - 1, i - 1) = h[static_cast<std::size_t>(i)];
        int j = l - k1;
        for (int i = 1; i <= k1; ++i) {
          ++j;
          const double piv = h[static_cast<std::size_t>(i)];
          if (piv == 0.0) continue;
          double cs = 0, sn = 0;
          fpgivs(piv, A(j, 1), cs, sn);
          fprota(cs, sn, yi, Z(j));
          if (i == k1) break;
          int i2 = 1;
          for (int i1 = i + 1; i1 <= k1; ++i1) {
            ++i2;
            fprota(cs, sn, h[static_cast<std::size_t>(i1)], A(j, i2));
          }
        }
        fp += yi * yi;  // label 120
      }
      if (ier == -2) fp0 = fp;
      fpint(n) = fp0;
      fpint(n - 1) = fpold;
      nrdata(n) = nplus;
      fpback(a, z, nk1, k1, st.c);
      if (iopt < 0) return;
      fpms = fp - s;
      if (std::abs(fpms) < acc) return;
      if (fpms < 0.0) break;  // fp < s: these knots will do (label 250)
      if (n == nmax) {
        ier = -1;
        return;
      }
      if (n == nest) {
        ier = 1;
        return;
      }
      if (ier != 0) {
        nplus = 1;
        ier = 0;
      } else {  // label 140
        int npl1 = nplus * 2;
        const double rn = nplus;
        if (fpold - fp > acc) {
          // Fortran's real-to-integer conversion; out of range it gives the most negative integer
          // on the machines SciPy runs on, which max() below then discards.
          const double v = rn * fpms / (fpold - fp);
          npl1 = v > -2147483649.0 && v < 2147483648.0 ? static_cast<int>(v)
                                                       : std::numeric_limits<int>::min();
        }
        nplus = std::min(nplus * 2, std::max({npl1, nplus / 2, 1}));
      }
      fpold = fp;  // label 150
      // Residual sum per knot interval, a point on a knot split between both intervals.
      double fpart = 0.0;
      int i = 1;
      l = k2;
      bool add = false;
      for (int it = 1; it <= m; ++it) {
        if (!(x(it) < t(l) || l > nk1)) {
          add = true;
          ++l;
        }
        double term = 0.0;  // label 160
        int l0 = l - k2;
        for (int j = 1; j <= k1; ++j) {
          ++l0;
          term += c(l0) * q(it - 1, j - 1);
        }
        term = (term - y(it)) * (term - y(it));
        fpart += term;
        if (!add) continue;
        const double store = term * 0.5;
        fpint(i) = fpart - store;
        ++i;
        fpart = store;
        add = false;
      }
      fpint(nrint) = fpart;
      for (int lp = 1; lp <= nplus; ++lp) {
        fpknot(xv, st.t, n, st.fpint, st.nrdata, nrint, 1);
        if (n == nmax) {
          interpolation_knots();
          restart = true;
          break;
        }
        if (n == nest) break;
      }
      if (restart) break;
    }
  }

  if (ier == -2) return;  // label 250
  {
    // Part 2: the smoothing spline for the knots found, p such that f(p) = s.
    fpdisc(st.t, n, k2, b);
    double p1 = 0.0, f1 = fp0 - s, p3 = -1.0, f3 = fpms, p = 0.0;
    for (int i = 1; i <= nk1; ++i) p += A(i, 1);
    p = static_cast<double>(nk1) / p;
    bool ich1 = false, ich3 = false;
    const int n8 = n - nmin;
    for (int iter = 1; iter <= maxit; ++iter) {
      const double pinv = 1.0 / p;
      for (int i = 1; i <= nk1; ++i) {
        c(i) = Z(i);
        G(i, k2) = 0.0;
        for (int j = 1; j <= k1; ++j) G(i, j) = A(i, j);
      }
      for (int it = 1; it <= n8; ++it) {
        for (int i = 1; i <= k2; ++i) h[static_cast<std::size_t>(i)] = b(it - 1, i - 1) * pinv;
        double yi = 0.0;
        for (int j = it; j <= nk1; ++j) {
          const double piv = h[1];
          double cs = 0, sn = 0;
          fpgivs(piv, G(j, 1), cs, sn);
          fprota(cs, sn, yi, c(j));
          if (j == nk1) break;
          int i2 = k1;
          if (j > n8) i2 = nk1 - j;
          for (int i = 1; i <= i2; ++i) {
            const int i1 = i + 1;
            fprota(cs, sn, h[static_cast<std::size_t>(i1)], G(j, i1));
            h[static_cast<std::size_t>(i)] = h[static_cast<std::size_t>(i1)];
          }
          h[static_cast<std::size_t>(i2 + 1)] = 0.0;
        }
      }
      fpback(g, st.c, nk1, k2, st.c);
      fp = 0.0;
      int l = k2;
      for (int it = 1; it <= m; ++it) {
        if (!(x(it) < t(l) || l > nk1)) ++l;
        int l0 = l - k2;
        double term = 0.0;
        for (int j = 1; j <= k1; ++j) {
          ++l0;
          term += c(l0) * q(it - 1, j - 1);
        }
        fp += (term - y(it)) * (term - y(it));
      }
      fpms = fp - s;
      if (std::abs(fpms) < acc) return;
      if (iter == maxit) {
        ier = 3;
        return;
      }
      const double p2 = p, f2 = fpms;
      if (!ich3) {
        if (!(f2 - f3 > acc)) {
          // The initial p is too large.
          p3 = p2;
          f3 = f2;
          p = p * 0.04;
          if (p <= p1) p = p1 * 0.9 + p2 * 0.1;
          continue;
        }
        if (f2 < 0.0) ich3 = true;  // label 335
      }
      if (!ich1) {  // label 340
        if (!(f1 - f2 > acc)) {
          // The initial p is too small.
          p1 = p2;
          f1 = f2;
          p = p / 0.04;
          if (p3 < 0.0) continue;
          if (p >= p3) p = p2 * 0.1 + p3 * 0.9;
          continue;
        }
        if (f2 > 0.0) ich1 = true;  // label 345
      }
      if (f2 >= f1 || f2 <= f3) {  // label 350
        ier = 2;
        return;
      }
      p = fprati(p1, f1, p2, f2, p3, f3);
    }
  }
}

}  // namespace detail

/// The smoothing spline of degree k through (x_i, y_i) that FITPACK's curfit computes and
/// scipy.interpolate.UnivariateSpline(x, y, k=k, s=s) returns: the spline s(x) with the fewest
/// knots (added one interval at a time where the residual is largest) and, for those knots, the
/// smoothing parameter p found by rational interpolation, such that
///
///   fp = sum_i (y_i - s(x_i))^2 = s   (to within 0.001 s, at most 20 iterations),
///
/// minimising the jumps of the k-th derivative at the interior knots. When the least-squares
/// polynomial of degree k already has fp <= s, that polynomial is returned. Knot storage is
/// SciPy's: max(m/2, 2k+2) knots first, then m+k+1 if more are needed.
/// Dierckx, "Curve and Surface Fitting with Splines" (1993), ch. 5; FITPACK fpcurf.f.
/// @pre x.size() == y.size() > degree, x non-decreasing, all values finite, 1 <= degree <= 5,
///      smoothing >= 0.
/// @throws lrs::invalid_argument otherwise.
[[nodiscard]] inline smoothing_spline fit_smoothing_spline(const std::vector<double>& x,
                                                           const std::vector<double>& y,
                                                           smoothing_spline_options options = {}) {
  const char* f = "fit_smoothing_spline";
  const int k = options.degree;
  detail::require(k >= 1 && k <= 5, f, "degree", "in [1, 5]", k);
  detail::require(y.size() == x.size(), f, "y.size()", "== x.size()", y.size());
  detail::require(x.size() > static_cast<std::size_t>(k), f, "x.size()", "> degree", x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    detail::require(std::isfinite(x[i]), f, "x", "all finite", x[i]);
    detail::require(std::isfinite(y[i]), f, "y", "all finite", y[i]);
    if (i > 0) detail::require(x[i] >= x[i - 1], f, "x", "non-decreasing", x[i]);
  }
  const int m = static_cast<int>(x.size());
  const double s = options.smoothing.value_or(static_cast<double>(m));
  detail::require(s >= 0.0 && std::isfinite(s), f, "smoothing", ">= 0 and finite", s);
  detail::require(s > 0.0 || std::adjacent_find(x.begin(), x.end()) == x.end(), f, "x",
                  "strictly increasing when smoothing == 0", "a repeated value");
  const int nest = s == 0.0 ? m + k + 1 : std::max(m / 2, 2 * (k + 1));
  detail::fpcurf_state st;
  detail::fpcurf(0, x, y, k, s, nest, 0.001, 20, st);
  if (st.ier == 1) detail::fpcurf(1, x, y, k, s, m + k + 1, 0.001, 20, st);  // more knot storage
  const auto n = static_cast<std::size_t>(st.n);
  smoothing_spline out;
  static_cast<bspline&>(out) =
      bspline(std::vector<double>(st.t.begin(), st.t.begin() + static_cast<std::ptrdiff_t>(n)),
              std::vector<double>(st.c.begin(), st.c.begin() + static_cast<std::ptrdiff_t>(n)), k);
  out.residual = st.fp;
  out.status = static_cast<spline_status>(st.ier);
  return out;
}

}  // namespace lrs

#endif  // LRS_ANALYSIS_SMOOTHING_SPLINE_HPP
