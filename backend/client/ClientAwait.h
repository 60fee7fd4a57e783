// Runs an asynchronous client call to its end in a local event loop and returns its result: for code that
// reads best in sequence (command-line tools, tests). A GUI never uses it.
#pragma once

#include "ComputeClient.h"

#include <QEventLoop>
#include <optional>

template <typename T, typename Call> ClientResult<T> awaitResult(Call &&call)
{
    std::optional<ClientResult<T>> result;
    QEventLoop loop;
    call([&](ClientResult<T> r) {
        result.emplace(std::move(r));
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}
