// The console's pages in sidebar order (Settings is added by the window itself).
#pragma once

#include <QList>

class ConsoleSession;
class Page;
class QWidget;

QList<Page *> createPages(ConsoleSession *session, QWidget *parent);
