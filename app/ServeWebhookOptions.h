// serve's --webhook-* flags (part 3): delivery allow-list, in-flight cap, retry schedule and timeouts.
#pragma once

#include "WebhookConfig.h"

class QCommandLineParser;
class QString;

void addWebhookOptions(QCommandLineParser &p);
bool readWebhookOptions(const QCommandLineParser &p, WebhookConfig &c, QString *why);
