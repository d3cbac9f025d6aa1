' Run by tests/master/libreoffice.py as an application macro in a private LibreOffice profile:
' opens the master, lists the Basic modules LibreOffice imported from its VBA project, lists each
' module's procedures through the script provider's browse nodes (which compiles the module), and
' renders every sheet to PDF. One line per fact in the log; LibreOffice Basic has no stdout.
Private LogPath As String

Sub LogLine(msg As String)
    Dim f As Integer
    f = FreeFile
    Open LogPath For Append As #f
    Print #f, msg
    Close #f
End Sub

Sub Inspect(docPath As String, outPath As String, pdfPath As String)
    LogPath = outPath
    LogLine "START"
    On Error GoTo Failed
    Dim aArgs(1) As New com.sun.star.beans.PropertyValue
    aArgs(0).Name = "Hidden"
    aArgs(0).Value = True
    aArgs(1).Name = "MacroExecutionMode"
    aArgs(1).Value = 4
    Dim oDoc As Object
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(docPath), "_blank", 0, aArgs)
    LogLine "LOADED"
    Dim oLibs As Object, aLibNames, oLib As Object, aModNames, i, j
    oLibs = oDoc.BasicLibraries
    LogLine "VBA " & oLibs.VBACompatibilityMode
    aLibNames = oLibs.getElementNames()
    For i = 0 To UBound(aLibNames)
        oLibs.loadLibrary(aLibNames(i))
        oLib = oLibs.getByName(aLibNames(i))
        aModNames = oLib.getElementNames()
        For j = 0 To UBound(aModNames)
            LogLine "MODULE " & aLibNames(i) & "." & aModNames(j) & " " & Len(oLib.getByName(aModNames(j)))
        Next j
    Next i
    Dim oProvider As Object, aLangs, aLibNodes, aModNodes, aProcs, a, b, c, d
    oProvider = oDoc.getScriptProvider()
    aLangs = oProvider.getChildNodes()
    For a = 0 To UBound(aLangs)
        aLibNodes = aLangs(a).getChildNodes()
        For b = 0 To UBound(aLibNodes)
            aModNodes = aLibNodes(b).getChildNodes()
            For c = 0 To UBound(aModNodes)
                aProcs = aModNodes(c).getChildNodes()
                For d = 0 To UBound(aProcs)
                    LogLine "PROC " & aLibNodes(b).getName() & "." & aModNodes(c).getName() & "." & aProcs(d).getName()
                Next d
            Next c
        Next b
    Next a
    Dim aPdf(0) As New com.sun.star.beans.PropertyValue
    aPdf(0).Name = "FilterName"
    aPdf(0).Value = "calc_pdf_Export"
    oDoc.storeToURL(ConvertToURL(pdfPath), aPdf)
    LogLine "PDF"
    oDoc.close(True)
    LogLine "DONE"
    StarDesktop.terminate()
    Exit Sub
Failed:
    LogLine "ERROR " & Err & " line " & Erl
    StarDesktop.terminate()
End Sub
