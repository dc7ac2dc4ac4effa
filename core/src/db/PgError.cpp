#include "db/PgError.h"

#include <functional>
#include <string_view>
#include <unordered_map>

namespace agora::db {

namespace {

template <typename T>
[[noreturn]] void raise(const PgError& e) {
    throw T(e);
}

using Raise = void (*)(const PgError&);

// Exact SQLSTATEs first, then their class (the first two characters).
const std::unordered_map<std::string_view, Raise>& byState() {
    static const std::unordered_map<std::string_view, Raise> table = {
        {"23502", raise<NotNullViolation>},     {"23503", raise<ForeignKeyViolation>},
        {"23505", raise<UniqueViolation>},      {"23514", raise<CheckViolation>},
        {"25001", raise<ActiveSqlTransaction>}, {"40001", raise<SerializationFailure>},
        {"40P01", raise<DeadlockDetected>},     {"42501", raise<InsufficientPrivilege>},
        {"42703", raise<UndefinedColumn>},      {"42704", raise<UndefinedObject>},
        {"42P01", raise<UndefinedTable>},       {"42710", raise<DuplicateObject>},
        {"42P06", raise<DuplicateSchema>},      {"42P07", raise<DuplicateTable>},
        {"55P03", raise<LockNotAvailable>},     {"57014", raise<QueryCanceled>},
        {"57P01", raise<AdminShutdown>},
    };
    return table;
}

const std::unordered_map<std::string_view, Raise>& byClass() {
    static const std::unordered_map<std::string_view, Raise> table = {
        {"08", raise<BrokenConnection>},
        {"0A", raise<FeatureNotSupported>},
        {"22", raise<DataException>},
        {"23", raise<IntegrityConstraintViolation>},
        {"25", raise<InvalidTransactionState>},
        {"40", raise<TransactionRollback>},
        {"42", raise<SyntaxErrorOrAccessRuleViolation>},
        {"55", raise<ObjectNotInPrerequisiteState>},
        {"57", raise<OperatorIntervention>},
    };
    return table;
}

}  // namespace

void throwPgError(const PgError& e) {
    std::string_view state = e.sqlstate();
    if (auto it = byState().find(state); it != byState().end())
        it->second(e);
    if (state.size() >= 2)
        if (auto it = byClass().find(state.substr(0, 2)); it != byClass().end())
            it->second(e);
    throw e;
}

}  // namespace agora::db
