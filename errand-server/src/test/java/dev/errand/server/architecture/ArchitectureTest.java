package dev.errand.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering rules of CONVENTIONS.md, enforced. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.errand");
  }

  @Test
  void sdkNeverDependsOnTheServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.errand.sdk..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.errand.server..")
        .check(classes);
  }

  @Test
  void sdkNeverTouchesJdbcOrHttpServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.errand.sdk..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "io.javalin..", "org.eclipse.jetty..")
        .check(classes);
  }

  @Test
  void onlyTheStoreTouchesJavaSql() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.errand.server.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "com.zaxxer.hikari..",
            "org.postgresql..",
            "org.h2..",
            "org.flywaydb..")
        .check(classes);
  }

  @Test
  void engineNeverDependsOnHttp() {
    noClasses()
        .that()
        .resideInAPackage("dev.errand.server.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.errand.server.api..", "io.javalin..", "org.eclipse.jetty..")
        .check(classes);
  }

  @Test
  void storeNeverDependsOnEngineOrHttp() {
    noClasses()
        .that()
        .resideInAPackage("dev.errand.server.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.errand.server.engine..", "dev.errand.server.api..", "io.javalin..")
        .check(classes);
  }
}
