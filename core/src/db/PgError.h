#pragma once

#include <string>

#include "util/Error.h"

namespace agora::db {

// A PostgreSQL error with its SQLSTATE and, for constraint violations, the constraint name,
// mapped onto the request error kinds (SQLSTATE class → ErrorCode).
class PgError : public Error {
public:
    PgError(ErrorCode kind, std::string code, std::string message, std::string sqlstate,
            std::string constraint)
        : Error(kind, std::move(code), std::move(message)),
          sqlstate_(std::move(sqlstate)),
          constraint_(std::move(constraint)) {}
    const std::string& sqlstate() const { return sqlstate_; }
    const std::string& constraint() const { return constraint_; }
    // Serialization failures and deadlocks are the only errors worth retrying as-is. Decided
    // from the SQLSTATE, not the class: a PgError may have been copied (sliced) on its way
    // through the plugin boundary.
    bool retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
    bool uniqueViolation() const { return sqlstate_ == "23505"; }

private:
    std::string sqlstate_;
    std::string constraint_;
};

// What the db layer throws: the most specific class below for the error's SQLSTATE (as
// libpqxx does), so callers catch what they mean (`catch (const db::LockNotAvailable&)`)
// instead of comparing codes. Every class is a PgError, so `catch (const db::PgError&)` still
// sees them all. Classes follow PostgreSQL's SQLSTATE classes (appendix A of its manual).
#define AGORA_PG_ERROR_CLASS(Name, Base)             \
    class Name : public Base {                       \
    public:                                          \
        explicit Name(const PgError& e) : Base(e) {} \
    }

AGORA_PG_ERROR_CLASS(BrokenConnection, PgError);                                // class 08
AGORA_PG_ERROR_CLASS(FeatureNotSupported, PgError);                             // class 0A
AGORA_PG_ERROR_CLASS(DataException, PgError);                                   // class 22
AGORA_PG_ERROR_CLASS(IntegrityConstraintViolation, PgError);                    // class 23
AGORA_PG_ERROR_CLASS(NotNullViolation, IntegrityConstraintViolation);           // 23502
AGORA_PG_ERROR_CLASS(ForeignKeyViolation, IntegrityConstraintViolation);        // 23503
AGORA_PG_ERROR_CLASS(UniqueViolation, IntegrityConstraintViolation);            // 23505
AGORA_PG_ERROR_CLASS(CheckViolation, IntegrityConstraintViolation);             // 23514
AGORA_PG_ERROR_CLASS(InvalidTransactionState, PgError);                         // class 25
AGORA_PG_ERROR_CLASS(ActiveSqlTransaction, InvalidTransactionState);            // 25001
AGORA_PG_ERROR_CLASS(TransactionRollback, PgError);                             // class 40
AGORA_PG_ERROR_CLASS(SerializationFailure, TransactionRollback);                // 40001
AGORA_PG_ERROR_CLASS(DeadlockDetected, TransactionRollback);                    // 40P01
AGORA_PG_ERROR_CLASS(SyntaxErrorOrAccessRuleViolation, PgError);                // class 42
AGORA_PG_ERROR_CLASS(InsufficientPrivilege, SyntaxErrorOrAccessRuleViolation);  // 42501
AGORA_PG_ERROR_CLASS(UndefinedColumn, SyntaxErrorOrAccessRuleViolation);        // 42703
AGORA_PG_ERROR_CLASS(UndefinedObject, SyntaxErrorOrAccessRuleViolation);        // 42704
AGORA_PG_ERROR_CLASS(UndefinedTable, SyntaxErrorOrAccessRuleViolation);         // 42P01
AGORA_PG_ERROR_CLASS(DuplicateObject, SyntaxErrorOrAccessRuleViolation);        // 42710
AGORA_PG_ERROR_CLASS(DuplicateSchema, SyntaxErrorOrAccessRuleViolation);        // 42P06
AGORA_PG_ERROR_CLASS(DuplicateTable, SyntaxErrorOrAccessRuleViolation);         // 42P07
AGORA_PG_ERROR_CLASS(ObjectNotInPrerequisiteState, PgError);                    // class 55
AGORA_PG_ERROR_CLASS(LockNotAvailable, ObjectNotInPrerequisiteState);           // 55P03
AGORA_PG_ERROR_CLASS(OperatorIntervention, PgError);                            // class 57
AGORA_PG_ERROR_CLASS(QueryCanceled, OperatorIntervention);                      // 57014
AGORA_PG_ERROR_CLASS(AdminShutdown, OperatorIntervention);                      // 57P01

#undef AGORA_PG_ERROR_CLASS

// Throws `e` as the most specific class above for its SQLSTATE (PgError itself when none).
[[noreturn]] void throwPgError(const PgError& e);

}  // namespace agora::db
