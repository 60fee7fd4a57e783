# Install layout and Debian packages (CPack, scripts/package.sh):
#  - tanvrit-compute: the server, agent and CLI binary (no Qt Widgets), systemd units, /etc/tanvrit/*.conf
#    (conffiles, every option commented), man pages, shell completion;
#  - tanvrit-compute-console: the desktop console, its .desktop entry, icons, AppStream metadata, translations.
# The version comes from project(VERSION) only.

set(TANVRIT_DEB_RELEASE 1)
set(TANVRIT_PACKAGE_VERSION "${PROJECT_VERSION}-${TANVRIT_DEB_RELEASE}")
set(gen ${PROJECT_BINARY_DIR}/installers)
set(src ${PROJECT_SOURCE_DIR}/installers)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_program(HELP2MAN help2man)
find_program(RSVG_CONVERT rsvg-convert)

# --- generated from the binary itself, so they always match it
set(conf_outputs ${gen}/server.conf ${gen}/agent.conf)
add_custom_command(OUTPUT ${conf_outputs}
  COMMAND ${Python3_EXECUTABLE} ${src}/gen-conf.py $<TARGET_FILE:tanvrit-compute> serve ${gen}/server.conf
  COMMAND ${Python3_EXECUTABLE} ${src}/gen-conf.py $<TARGET_FILE:tanvrit-compute> agent ${gen}/agent.conf
  DEPENDS tanvrit-compute ${src}/gen-conf.py
  COMMENT "Configuration files from --help")
set(completion_outputs ${gen}/completion/tanvrit-compute ${gen}/completion/_tanvrit-compute
                       ${gen}/completion/tanvrit-compute.fish)
add_custom_command(OUTPUT ${completion_outputs}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}/completion
  COMMAND $<TARGET_FILE:tanvrit-compute> completion bash > ${gen}/completion/tanvrit-compute
  COMMAND $<TARGET_FILE:tanvrit-compute> completion zsh > ${gen}/completion/_tanvrit-compute
  COMMAND $<TARGET_FILE:tanvrit-compute> completion fish > ${gen}/completion/tanvrit-compute.fish
  DEPENDS tanvrit-compute
  COMMENT "Shell completion scripts")
set(packaging_outputs ${conf_outputs} ${completion_outputs})
if(HELP2MAN)
  add_custom_command(OUTPUT ${gen}/man/tanvrit-compute.1.gz
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${gen}/man
    COMMAND ${src}/gen-man.sh $<TARGET_FILE:tanvrit-compute> ${gen}/man ${PROJECT_VERSION}
    DEPENDS tanvrit-compute ${src}/gen-man.sh
    COMMENT "Man pages from --help (help2man)")
  list(APPEND packaging_outputs ${gen}/man/tanvrit-compute.1.gz)
else()
  message(WARNING "help2man not found: the packages will have no man pages (scripts/install-deps.sh installs it)")
endif()

foreach(pkg tanvrit-compute tanvrit-compute-console)
  set(PKG ${pkg})
  set(PKG_VERSION ${TANVRIT_PACKAGE_VERSION})
  configure_file(${src}/debian/changelog ${gen}/doc/${pkg}/changelog.Debian @ONLY)
  add_custom_command(OUTPUT ${gen}/doc/${pkg}/changelog.Debian.gz
    COMMAND gzip -9nkf ${gen}/doc/${pkg}/changelog.Debian
    DEPENDS ${gen}/doc/${pkg}/changelog.Debian)
  list(APPEND packaging_outputs ${gen}/doc/${pkg}/changelog.Debian.gz)
endforeach()
add_custom_target(packaging_files ALL DEPENDS ${packaging_outputs})

# --- tanvrit-compute (component "server")
install(FILES ${src}/systemd/tanvrit-server.service ${src}/systemd/tanvrit-agent.service
        DESTINATION lib/systemd/system COMPONENT server)
install(FILES ${conf_outputs} DESTINATION /etc/tanvrit COMPONENT server)
install(FILES ${gen}/completion/tanvrit-compute DESTINATION share/bash-completion/completions COMPONENT server)
install(FILES ${gen}/completion/_tanvrit-compute DESTINATION share/zsh/vendor-completions COMPONENT server)
install(FILES ${gen}/completion/tanvrit-compute.fish DESTINATION share/fish/vendor_completions.d COMPONENT server)
if(HELP2MAN)
  install(DIRECTORY ${gen}/man/ DESTINATION share/man/man1 COMPONENT server FILES_MATCHING PATTERN "*.1.gz")
endif()
install(FILES ${src}/debian/copyright ${gen}/doc/tanvrit-compute/changelog.Debian.gz
              ${PROJECT_SOURCE_DIR}/docs/operations.md ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION share/doc/tanvrit-compute COMPONENT server)

# --- tanvrit-compute-console (component "console")
if(TANVRIT_GUI)
  install(FILES ${src}/desktop/com.tanvrit.Compute.desktop DESTINATION share/applications COMPONENT console)
  if(HELP2MAN)
    set(console_man ${gen}/man-console/tanvrit-compute-console.1)
    add_custom_command(OUTPUT ${console_man}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}/man-console
      COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen HOME=/nonexistent
              ${HELP2MAN} -N -s 1 --version-string=${PROJECT_VERSION} -n "desktop console of Tanvrit Compute"
              -o ${console_man} $<TARGET_FILE:tanvrit-compute-console>
      COMMAND gzip -9nf ${console_man}
      DEPENDS tanvrit-compute-console
      COMMENT "Man page of the console (help2man)")
    add_custom_target(packaging_console_man ALL DEPENDS ${console_man}.gz)
    install(FILES ${console_man}.gz DESTINATION share/man/man1 COMPONENT console)
  endif()
  configure_file(${src}/desktop/com.tanvrit.Compute.metainfo.xml ${gen}/com.tanvrit.Compute.metainfo.xml @ONLY)
  install(FILES ${gen}/com.tanvrit.Compute.metainfo.xml DESTINATION share/metainfo COMPONENT console)
  set(icon ${PROJECT_SOURCE_DIR}/ui/resources/icons/tanvrit-compute.svg)
  install(FILES ${icon} DESTINATION share/icons/hicolor/scalable/apps RENAME com.tanvrit.Compute.svg
          COMPONENT console)
  if(RSVG_CONVERT)
    set(png_outputs)
    foreach(size 16 22 24 32 48 64 128 256 512)
      set(png ${gen}/icons/${size}x${size}/com.tanvrit.Compute.png)
      add_custom_command(OUTPUT ${png}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}/icons/${size}x${size}
        COMMAND ${RSVG_CONVERT} -w ${size} -h ${size} -o ${png} ${icon}
        DEPENDS ${icon})
      list(APPEND png_outputs ${png})
      install(FILES ${png} DESTINATION share/icons/hicolor/${size}x${size}/apps COMPONENT console)
    endforeach()
    add_custom_target(packaging_icons ALL DEPENDS ${png_outputs})
  else()
    message(WARNING "rsvg-convert not found: the console package will have the SVG icon only")
  endif()
  # the console loads these before its built-in copies (ui/Translations.cpp)
  set(qm_outputs)
  foreach(lang de en)
    set(qm ${gen}/translations/tanvrit_${lang}.qm)
    add_custom_command(OUTPUT ${qm}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${gen}/translations
      COMMAND Qt6::lrelease -silent ${PROJECT_SOURCE_DIR}/translations/tanvrit_${lang}.ts -qm ${qm}
      DEPENDS ${PROJECT_SOURCE_DIR}/translations/tanvrit_${lang}.ts)
    list(APPEND qm_outputs ${qm})
  endforeach()
  add_custom_target(packaging_translations ALL DEPENDS ${qm_outputs})
  install(FILES ${qm_outputs} DESTINATION share/tanvrit-compute/translations COMPONENT console)
  install(FILES ${src}/debian/copyright ${gen}/doc/tanvrit-compute-console/changelog.Debian.gz
          DESTINATION share/doc/tanvrit-compute-console COMPONENT console)
endif()

# --- CPack: one .deb per component
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tanvrit-compute)
set(CPACK_PACKAGE_VENDOR Tanvrit)
set(CPACK_PACKAGE_CONTACT "Tanvrit <compute@tanvrit.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_SOURCE_DIR}/dist)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server)
if(TANVRIT_GUI)
  list(APPEND CPACK_COMPONENTS_ALL console)
endif()
set(CPACK_DEBIAN_PACKAGE_RELEASE ${TANVRIT_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://tanvrit.com/compute)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME tanvrit-compute)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
# besides what dpkg-shlibdeps finds: Qt's SQLite driver is a plugin
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser, libqt6sql6-sqlite")
set(CPACK_COMPONENT_SERVER_DESCRIPTION
    "Tanvrit Compute: control plane, agent and command-line client\nA self-hostable compute-job platform: the control plane keeps jobs durably,\nschedules them onto agents on GPU and CPU machines and streams their logs;\nagents run jobs isolated on each worker. Includes systemd units for both.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${src}/debian/postinst ${src}/debian/prerm ${src}/debian/postrm ${src}/debian/conffiles)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_NAME tanvrit-compute-console)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_SECTION utils)
# plugins dpkg-shlibdeps cannot see: the X11 platform and the SVG icon engine (Wayland's is recommended)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_DEPENDS "tanvrit-compute (= ${TANVRIT_PACKAGE_VERSION}), qt6-qpa-plugins, libqt6svg6")
set(CPACK_DEBIAN_CONSOLE_PACKAGE_RECOMMENDS "qt6-wayland")
set(CPACK_COMPONENT_CONSOLE_DESCRIPTION
    "Tanvrit Compute desktop console\nThe operator console of Tanvrit Compute: runs its own control plane and a\nlocal agent, or connects to a remote deployment; jobs, live logs, nodes,\nmembers and audit.")
include(CPack)
