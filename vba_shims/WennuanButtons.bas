Attribute VB_Name = "WennuanButtons"
' wennuan-xl: callbacks of the ribbon tab in customUI14.xml (one Sub per onAction).
' Each button is one RunPython line into wennuan_xl.excel.buttons, run once the Python
' named in xlwings.conf is found; all logic and all Chinese text live in Python, in the
' ribbon XML and in the very hidden sheet whose cells the names WN_MSG_* point at. Keep
' this file ASCII: the VBA project is stored in code page 1252. RunPython, GetConfig and
' FileExists come from the xlwings module (xlwings.bas, BSD 3-clause, see its notice).
' "Optional control": scripts/windows_smoke.py runs the same Subs through Application.Run.
Option Explicit

Private Const FOLDER_PICKER As Long = 4  ' msoFileDialogFolderPicker

Sub OnValidate(Optional control As IRibbonControl)
    If PythonReady() Then RunPython "import wennuan_xl.excel.buttons as b; b.validate()"
End Sub

Sub OnClearFlags(Optional control As IRibbonControl)
    If PythonReady() Then RunPython "import wennuan_xl.excel.buttons as b; b.clear_flags()"
End Sub

Sub OnConsolidate(Optional control As IRibbonControl)
    If PythonReady() Then RunPython "import wennuan_xl.excel.buttons as b; b.consolidate()"
End Sub

Sub OnTrace(Optional control As IRibbonControl)
    If PythonReady() Then RunPython "import wennuan_xl.excel.buttons as b; b.trace()"
End Sub

Sub OnMakeTemplates(Optional control As IRibbonControl)
    If PythonReady() Then RunPython "import wennuan_xl.excel.buttons as b; b.make_templates()"
End Sub

' Folder picker (no Python needed): writes the chosen folder into the cell named
' WN_FOLDER on the settings sheet. The dialog title is that cell's label, one column
' to the left, so the title is Chinese without Chinese in this file.
Sub OnPickFolder(Optional control As IRibbonControl)
    Dim target As Range
    Dim picker As Object
    Set target = ThisWorkbook.Names("WN_FOLDER").RefersToRange
    Set picker = Application.FileDialog(FOLDER_PICKER)
    picker.Title = CStr(target.Offset(0, -1).Value)
    picker.AllowMultiSelect = False
    If Len(CStr(target.Value)) > 0 Then picker.InitialFileName = CStr(target.Value) & Application.PathSeparator
    If picker.Show = -1 Then target.Value = picker.SelectedItems(1)
End Sub

' True when the interpreter that RunPython will start (Interpreter_Win in xlwings.conf,
' read as RunPython reads it) exists. Otherwise a message in Chinese says what to install
' and where to set the path, instead of xlwings' English "Could not find Interpreter!";
' an empty Interpreter_Win is refused too, rather than falling back on a python from PATH.
Function PythonReady() As Boolean
    Dim interpreter As String
    interpreter = GetConfig("INTERPRETER_WIN", "")
    If Len(interpreter) > 0 Then
        If FileExists(interpreter) Then
            PythonReady = True
            Exit Function
        End If
        MsgBox Replace(WnText("WN_MSG_NO_PYTHON"), "{path}", interpreter), vbExclamation, WnText("WN_MSG_TITLE")
    Else
        MsgBox WnText("WN_MSG_NO_INTERPRETER"), vbExclamation, WnText("WN_MSG_TITLE")
    End If
    PythonReady = False
End Function

' The text in the cell a workbook name points at; the name itself if that cell is gone.
Function WnText(textName As String) As String
    On Error Resume Next
    WnText = CStr(ThisWorkbook.Names(textName).RefersToRange.Value)
    If Err.Number <> 0 Or Len(WnText) = 0 Then WnText = textName
    On Error GoTo 0
End Function
