// A 422's field messages shown next to the fields they name: the widget is outlined and its tooltip says why.
#pragma once

#include <QHash>
#include <QString>

class QWidget;
struct ClientError;

namespace FieldErrors {
// Marks the widgets whose field the error names (detail.fields); clears the rest. True when one was marked.
bool show(const ClientError &error, const QHash<QString, QWidget *> &widgets);
void clear(const QHash<QString, QWidget *> &widgets);
}
