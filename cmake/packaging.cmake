# cmake/packaging.cmake — the Debian packages, made by `cpack` in the build folder
# (docs/packaging.md):
#
#   postgresql-<major>-pg-automl  component `extension`: pg_automl.so into
#       pg_config --pkglibdir, the control file and every install and upgrade script
#       into pg_config --sharedir/extension — the files `cmake --install` lays out
#   automl-worker                 component `worker`: /usr/bin/automl-worker, the
#       systemd template unit automl-worker@.service, its config
#       /etc/automl-worker/default.conf (a conffile) and the worker's docs
#
# The unit, the config and the docs are EXCLUDE_FROM_ALL: only the package installs
# them, so a developer's `cmake --install` writes nothing under /etc or /lib/systemd.
# cpack builds the `all` target first, as `cmake --install` expects it built.

execute_process(COMMAND ${PG_CONFIG} --version OUTPUT_VARIABLE pg_version_text
                OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
string(REGEX REPLACE "^PostgreSQL ([0-9]+).*$" "\\1" AUTOML_PG_MAJOR "${pg_version_text}")

set(packaging_dir ${PROJECT_SOURCE_DIR}/packaging)
install(FILES ${packaging_dir}/automl-worker@.service DESTINATION /lib/systemd/system
        COMPONENT worker EXCLUDE_FROM_ALL)
install(FILES ${packaging_dir}/default.conf DESTINATION /etc/automl-worker
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ  # it may hold a password
        COMPONENT worker EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/docs/worker.md ${PROJECT_SOURCE_DIR}/docs/packaging.md
        DESTINATION share/doc/automl-worker COMPONENT worker EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pg-automl)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "pg_automl developers <pg-automl@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL extension worker)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # NAME_VERSION-RELEASE_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
# Depends: the libraries the binaries link, as dpkg-shlibdeps finds their packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_EXTENSION_PACKAGE_NAME postgresql-${AUTOML_PG_MAJOR}-pg-automl)
set(CPACK_DEBIAN_EXTENSION_PACKAGE_DEPENDS postgresql-${AUTOML_PG_MAJOR})
set(CPACK_COMPONENT_EXTENSION_DESCRIPTION
    "machine learning inside PostgreSQL ${AUTOML_PG_MAJOR} (pg_automl extension)
pg_automl trains, stores, deploys and serves models in the database: training
jobs are rows of automl.jobs, run by automl-worker; predictions are SQL
functions that run inside the backend. CREATE EXTENSION pg_automl.")

set(CPACK_DEBIAN_WORKER_PACKAGE_NAME automl-worker)
set(CPACK_DEBIAN_WORKER_PACKAGE_DEPENDS adduser)  # postinst creates the system user
set(CPACK_DEBIAN_WORKER_PACKAGE_SUGGESTS postgresql-${AUTOML_PG_MAJOR}-pg-automl)
set(CPACK_COMPONENT_WORKER_DESCRIPTION
    "training worker of pg_automl
automl-worker claims pg_automl's queued jobs (training, imports, designs of
experiments) from a PostgreSQL database, runs them and stores their models.
Runs as systemd instances automl-worker@NAME, configured in
/etc/automl-worker/NAME.conf.")
set(worker_control ${packaging_dir}/worker-control)
set(CPACK_DEBIAN_WORKER_PACKAGE_CONTROL_EXTRA
    ${worker_control}/conffiles ${worker_control}/postinst ${worker_control}/prerm
    ${worker_control}/postrm)

include(CPack)
