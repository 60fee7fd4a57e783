// One answer for every billing path until metering lands.
#include "BillingController.h"

namespace {
const QString kNotMetered = QStringLiteral("billing is not metered on this server yet; this deployment runs on the "
                                           "free Hobby (local) plan with no payment provider configured");

void notMetered(const ExchangePtr &ex)
{
    if (ex->surface() == Surface::Rpc)
        return ex->replyRpc(QJsonValue(), kNotMetered, QStringLiteral("NO_DATA"));
    ex->replyError(ApiError::notFound(kNotMetered));
}

RouteOptions route(Surface surface, Permission need, const char *action = nullptr)
{
    RouteOptions o;
    o.surface = surface;
    o.need = need;
    o.action = action;
    return o;
}
}

BillingController::BillingController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
{
    Q_UNUSED(s);
    r.add("POST", QStringLiteral("/api/compute/billing/plans/list"), route(Surface::Rpc, Permission::None), notMetered);
    r.add("POST", QStringLiteral("/api/compute/billing/subscription"), route(Surface::Rpc, Permission::ReadBilling),
        notMetered);
    r.add("POST", QStringLiteral("/api/compute/billing/checkout/create"),
        route(Surface::Rpc, Permission::ManageBilling, "billing.checkout"), notMetered);
    r.add("GET", QStringLiteral("/v0/billing/usage"), route(Surface::V0, Permission::ReadBilling), notMetered);
    r.add("GET", QStringLiteral("/v0/billing/invoices"), route(Surface::V0, Permission::ReadBilling), notMetered);
    r.add("GET", QStringLiteral("/v0/billing/limits"), route(Surface::V0, Permission::ReadBilling), notMetered);
    r.add("PATCH", QStringLiteral("/v0/billing/limits"),
        route(Surface::V0, Permission::ManageBilling, "billing.limits"), notMetered);
}
