; Headshot Fetcher in Windows' "Open with" list for files of job IDs, never their default program:
; a ProgID of its own, named in each extension's OpenWithProgids, and the extension's own default
; value left alone. SHELL_CONTEXT is HKCU for a per-user install and HKLM for a per-machine one.
!define HEADSHOT_FETCHER_PROGID "HeadshotFetcher.JobIdList"

!macro headshotFetcherOpenWith EXT
  WriteRegStr SHELL_CONTEXT "Software\Classes\.${EXT}\OpenWithProgids" "${HEADSHOT_FETCHER_PROGID}" ""
!macroend

!macro headshotFetcherNoOpenWith EXT
  DeleteRegValue SHELL_CONTEXT "Software\Classes\.${EXT}\OpenWithProgids" "${HEADSHOT_FETCHER_PROGID}"
!macroend

!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\${HEADSHOT_FETCHER_PROGID}" "" "Job ID list"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${HEADSHOT_FETCHER_PROGID}\DefaultIcon" "" "$appExe,0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\${HEADSHOT_FETCHER_PROGID}\shell\open\command" "" '"$appExe" "%1"'
  !insertmacro headshotFetcherOpenWith txt
  !insertmacro headshotFetcherOpenWith csv
  !insertmacro headshotFetcherOpenWith tsv
  !insertmacro headshotFetcherOpenWith json
  !insertmacro headshotFetcherOpenWith jsonl
  ; Explorer reads the new list without a restart.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend

!macro customUnInstall
  !insertmacro headshotFetcherNoOpenWith txt
  !insertmacro headshotFetcherNoOpenWith csv
  !insertmacro headshotFetcherNoOpenWith tsv
  !insertmacro headshotFetcherNoOpenWith json
  !insertmacro headshotFetcherNoOpenWith jsonl
  DeleteRegKey SHELL_CONTEXT "Software\Classes\${HEADSHOT_FETCHER_PROGID}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend
