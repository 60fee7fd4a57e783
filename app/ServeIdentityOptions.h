// serve's options for sign-in, tokens, rate limits and the owner key (kept apart from ServeCommand).
#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>

class QCommandLineParser;
struct IdentityConfig;

QList<QCommandLineOption> identityOptions();
// False with a message naming the option when a value is not acceptable.
bool readIdentityOptions(const QCommandLineParser &p, IdentityConfig &out, QString *error);
