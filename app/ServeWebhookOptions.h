// serve's --webhook-* flags (part 3): delivery allow-list, in-flight cap, retry schedule and timeouts.
#pragma once

#include "WebhookConfig.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;
class QString;

QList<QCommandLineOption> webhookOptions();
bool readWebhookOptions(const QCommandLineParser &p, WebhookConfig &c, QString *why);
