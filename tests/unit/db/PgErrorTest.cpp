// The db layer throws a class per SQLSTATE (as libpqxx does): callers catch what they mean, and
// every class is still a PgError for the catch sites that want them all.
#include <gtest/gtest.h>

#include "db/PgError.h"

namespace agora::db {

namespace {

PgError error(const std::string& sqlstate) {
    return PgError(ErrorCode::Internal, "database_error", "boom " + sqlstate, sqlstate, "c");
}

// Whether throwPgError(sqlstate) is caught as T, with the original fields intact.
template <typename T>
bool thrownAs(const std::string& sqlstate) {
    try {
        throwPgError(error(sqlstate));
    } catch (const T& e) {
        const auto* base = dynamic_cast<const PgError*>(&e);
        return base && base->sqlstate() == sqlstate && base->constraint() == "c" &&
               std::string(base->what()) == "boom " + sqlstate;
    } catch (...) {
        return false;
    }
}

TEST(PgError, ExactSqlStatesMapToTheirClass) {
    EXPECT_TRUE(thrownAs<SerializationFailure>("40001"));
    EXPECT_TRUE(thrownAs<DeadlockDetected>("40P01"));
    EXPECT_TRUE(thrownAs<LockNotAvailable>("55P03"));
    EXPECT_TRUE(thrownAs<QueryCanceled>("57014"));
    EXPECT_TRUE(thrownAs<AdminShutdown>("57P01"));
    EXPECT_TRUE(thrownAs<UndefinedTable>("42P01"));
    EXPECT_TRUE(thrownAs<UndefinedColumn>("42703"));
    EXPECT_TRUE(thrownAs<UndefinedObject>("42704"));
    EXPECT_TRUE(thrownAs<DuplicateObject>("42710"));
    EXPECT_TRUE(thrownAs<DuplicateSchema>("42P06"));
    EXPECT_TRUE(thrownAs<DuplicateTable>("42P07"));
    EXPECT_TRUE(thrownAs<InsufficientPrivilege>("42501"));
    EXPECT_TRUE(thrownAs<UniqueViolation>("23505"));
    EXPECT_TRUE(thrownAs<ForeignKeyViolation>("23503"));
    EXPECT_TRUE(thrownAs<CheckViolation>("23514"));
    EXPECT_TRUE(thrownAs<NotNullViolation>("23502"));
    EXPECT_TRUE(thrownAs<ActiveSqlTransaction>("25001"));
}

TEST(PgError, SpecificClassesAreCaughtByTheirSqlStateClass) {
    EXPECT_TRUE(thrownAs<TransactionRollback>("40001"));
    EXPECT_TRUE(thrownAs<TransactionRollback>("40P01"));
    EXPECT_TRUE(thrownAs<IntegrityConstraintViolation>("23505"));
    EXPECT_TRUE(thrownAs<SyntaxErrorOrAccessRuleViolation>("42P01"));
    EXPECT_TRUE(thrownAs<ObjectNotInPrerequisiteState>("55P03"));
    EXPECT_TRUE(thrownAs<OperatorIntervention>("57014"));
    // ... and by PgError and Error, where the existing catch sites are.
    EXPECT_TRUE(thrownAs<PgError>("23505"));
    EXPECT_TRUE(thrownAs<Error>("40001"));
}

TEST(PgError, UnlistedCodesFallBackToTheirClassOrPgError) {
    EXPECT_TRUE(thrownAs<TransactionRollback>("40002"));
    EXPECT_FALSE(thrownAs<SerializationFailure>("40002"));
    EXPECT_TRUE(thrownAs<IntegrityConstraintViolation>("23P01"));
    EXPECT_TRUE(thrownAs<BrokenConnection>("08006"));
    EXPECT_TRUE(thrownAs<FeatureNotSupported>("0A000"));
    EXPECT_TRUE(thrownAs<DataException>("22P02"));
    EXPECT_TRUE(thrownAs<PgError>("XX000"));
    EXPECT_FALSE(thrownAs<IntegrityConstraintViolation>("XX000"));
    EXPECT_TRUE(thrownAs<PgError>(""));
}

TEST(PgError, OnlySerializationFailuresAndDeadlocksAreRetryable) {
    EXPECT_TRUE(error("40001").retryable());
    EXPECT_TRUE(error("40P01").retryable());
    EXPECT_FALSE(error("40002").retryable());
    EXPECT_FALSE(error("55P03").retryable());
    EXPECT_FALSE(error("23505").retryable());
}

TEST(PgError, NotTheWrongClass) {
    EXPECT_FALSE(thrownAs<UniqueViolation>("23503"));
    EXPECT_FALSE(thrownAs<LockNotAvailable>("40P01"));
    EXPECT_FALSE(thrownAs<TransactionRollback>("55P03"));
}

}  // namespace

}  // namespace agora::db
