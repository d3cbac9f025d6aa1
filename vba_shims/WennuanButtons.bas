Attribute VB_Name = "WennuanButtons"
' wennuan-xl: callbacks of the ribbon tab in customUI14.xml (one Sub per onAction).
' Each button is one RunPython line into wennuan_xl.excel.buttons; all logic and all
' Chinese text live in Python and in the ribbon XML. Keep this file ASCII: the VBA
' project is stored in code page 1252. RunPython comes from the xlwings module
' (xlwings.bas, BSD 3-clause, see its notice).
Option Explicit

Private Const FOLDER_PICKER As Long = 4  ' msoFileDialogFolderPicker

Sub OnValidate(control As IRibbonControl)
    RunPython "import wennuan_xl.excel.buttons as b; b.validate()"
End Sub

Sub OnClearFlags(control As IRibbonControl)
    RunPython "import wennuan_xl.excel.buttons as b; b.clear_flags()"
End Sub

Sub OnConsolidate(control As IRibbonControl)
    RunPython "import wennuan_xl.excel.buttons as b; b.consolidate()"
End Sub

Sub OnMakeTemplates(control As IRibbonControl)
    RunPython "import wennuan_xl.excel.buttons as b; b.make_templates()"
End Sub

' Folder picker (no Python needed): writes the chosen folder into the cell named
' WN_FOLDER on the settings sheet. The dialog title is that cell's label, one column
' to the left, so the title is Chinese without Chinese in this file.
Sub OnPickFolder(control As IRibbonControl)
    Dim target As Range
    Dim picker As Object
    Set target = ThisWorkbook.Names("WN_FOLDER").RefersToRange
    Set picker = Application.FileDialog(FOLDER_PICKER)
    picker.Title = CStr(target.Offset(0, -1).Value)
    picker.AllowMultiSelect = False
    If Len(CStr(target.Value)) > 0 Then picker.InitialFileName = CStr(target.Value) & Application.PathSeparator
    If picker.Show = -1 Then target.Value = picker.SelectedItems(1)
End Sub
