"""statsmodels' OLS on a random design, with and without an intercept, and on
Longley's data: what core/tests/linear_analysis_test.cpp compares fit_linear with.
Prints one JSON document. Run with /usr/bin/python3 (python3-statsmodels)."""
import json

import numpy as np
import statsmodels
import statsmodels.api as sm
from statsmodels.datasets import longley
from statsmodels.stats.outliers_influence import variance_inflation_factor


def summary(X, y, intercept):
    exog = sm.add_constant(X, prepend=True) if intercept else X
    fit = sm.OLS(y, exog).fit()
    ci = fit.conf_int(alpha=0.05)
    first = 1 if intercept else 0
    vif = [None] * first + [variance_inflation_factor(exog, j) for j in range(first, exog.shape[1])]
    return {
        "coef": fit.params.tolist(), "std_err": fit.bse.tolist(), "t": fit.tvalues.tolist(),
        "p_value": fit.pvalues.tolist(), "ci_low": ci[:, 0].tolist(), "ci_high": ci[:, 1].tolist(),
        "vif": vif, "r_squared": fit.rsquared, "adj_r_squared": fit.rsquared_adj,
        "f_statistic": fit.fvalue, "f_p_value": fit.f_pvalue, "log_likelihood": fit.llf,
        "aic": fit.aic, "bic": fit.bic, "condition_number": fit.condition_number,
        "df_model": fit.df_model, "df_resid": fit.df_resid,
    }


rng = np.random.default_rng(20261202)
n, p = 120, 4
X = rng.normal(size=(n, p)) * [1.0, 10.0, 0.1, 3.0]
X[:, 3] += 0.8 * X[:, 0]  # some collinearity, so the VIFs are not all 1
y = 2.0 + X @ [0.5, -0.05, 3.0, 0.0] + rng.normal(scale=0.7, size=n)
data = longley.load_pandas().data
out = {
    "statsmodels": statsmodels.__version__,
    "X": X.tolist(), "y": y.tolist(),
    "with_intercept": summary(X, y, True),
    "without_intercept": summary(X, y, False),
    "longley": {"X": data.iloc[:, 1:].values.tolist(), "y": data.iloc[:, 0].values.tolist(),
                "fit": summary(data.iloc[:, 1:].values, data.iloc[:, 0].values, True)},
}
print(json.dumps(out))
